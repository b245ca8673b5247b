package tiles

import (
	"encoding/json"
	"testing"
)

func TestLoginChart(t *testing.T) {
	d, _ := Find(IDIAMLogin)
	w, _ := d.Period("", reportNow)
	data := LoginStats{Users: 6, OldPassword: 4, NoLogin: 2, NoMFA: 3}.Chart(w)
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Keys    []Key `json:"keys"`
		KeyType string
		Data    []Bar `json:"data"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key     string
		value   int
		tooltip string
	}{
		{"console_users", 6, "6 console users"},
		{"password_over_180_days", 4, "Password older than 180 days: 4 of 6 console users"},
		{"no_login_180_days", 2, "No sign-in for 180 days: 2 of 6 console users"},
		{"no_mfa", 3, "No MFA: 3 of 6 console users"},
	}
	if len(got.Keys) != 1 || got.Keys[0].Key != "users" || len(got.Data) != len(want) {
		t.Fatalf("got %s", raw)
	}
	for i, w := range want {
		b := got.Data[i]
		if b.Key != w.key || b.Value != w.value || len(b.Values) != 1 ||
			b.Values[0].Value != w.value || b.Values[0].Tooltip != w.tooltip {
			t.Errorf("bar %d: got %+v, want %s = %d (%q)", i, b, w.key, w.value, w.tooltip)
		}
	}
}

func TestAPIChart(t *testing.T) {
	d, _ := Find(IDIAMAPI)
	w, _ := d.Period("", reportNow)
	data := APIStats{Users: 4, OldKey: 3, UnusedKey: 2}.Chart(w)
	bars := data.Data.([]Bar)
	got := []int{bars[0].Value, bars[1].Value, bars[2].Value}
	if len(bars) != 3 || got[0] != 4 || got[1] != 3 || got[2] != 2 || data.KeyType != "string" {
		t.Errorf("got %+v, want bars 4, 3, 2", data)
	}
}
