package tiles

import (
	"os"
	"strings"
	"testing"
	"time"
)

// reportNow is the reference time of the sample report: its cutoff for
// 180 days is 2026-06-07T12:00:00Z.
var reportNow = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func readSample(t *testing.T) []Credential {
	t.Helper()
	f, err := os.Open("testdata/credential-report.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	report, err := ParseCredentialReport(f)
	if err != nil {
		t.Fatalf("parse sample: %v", err)
	}
	return report
}

func TestParseCredentialReportSample(t *testing.T) {
	report := readSample(t)
	if len(report) != 12 {
		t.Fatalf("got %d rows, want 12", len(report))
	}
	root := report[0]
	if !root.Root || root.PasswordEnabled || !root.MFAActive ||
		root.PasswordLastChanged.Sentinel != NotSupported ||
		!root.PasswordLastUsed.Known() || root.Keys[0].Active {
		t.Errorf("root row: got %+v", root)
	}
	backup := find(t, report, "svc-backup")
	want := AccessKey{Active: true,
		LastRotated: Stamp{Time: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)},
		LastUsed:    Stamp{Sentinel: NotApplicable}}
	if backup.Keys[0] != want {
		t.Errorf("svc-backup key 1: got %+v, want %+v", backup.Keys[0], want)
	}
	if !backup.Keys[1].Active || backup.Keys[1].LastUsed.Time.Year() != 2024 {
		t.Errorf("svc-backup key 2: got %+v", backup.Keys[1])
	}
	dave := find(t, report, "dave")
	if dave.PasswordLastUsed.Sentinel != NoInformation || dave.PasswordLastUsed.Known() {
		t.Errorf("dave's last sign-in: got %+v, want no_information", dave.PasswordLastUsed)
	}
	if d := find(t, report, "svc-deploy"); d.ARN != "arn:aws:iam::111122223333:user/ci/svc-deploy" {
		t.Errorf("svc-deploy ARN: got %s", d.ARN)
	}
}

func find(t *testing.T, report []Credential, user string) Credential {
	t.Helper()
	for _, c := range report {
		if c.User == user {
			return c
		}
	}
	t.Fatalf("no row for %s", user)
	return Credential{}
}

func TestParseCredentialReportLayouts(t *testing.T) {
	// The columns the relay reads, reordered, with one AWS may add later.
	header := "arn,user,mfa_active,password_enabled,user_creation_time," +
		"password_last_used,password_last_changed,access_key_1_active," +
		"access_key_1_last_rotated,access_key_1_last_used_date," +
		"access_key_2_active,access_key_2_last_rotated," +
		"access_key_2_last_used_date,future_column\n"
	row := "arn:aws:iam::1:user/x,x,true,true,2026-01-01T00:00:00+00:00," +
		"no_information,2026-01-02T00:00:00+00:00,false,N/A,N/A,false,N/A,N/A,new\n"
	got, err := ParseCredentialReport(strings.NewReader("\ufeff" + header + row))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].User != "x" || !got[0].MFAActive ||
		got[0].PasswordLastChanged.Time.Day() != 2 {
		t.Errorf("got %+v, want user x read by column name", got)
	}
}

func TestParseCredentialReportErrors(t *testing.T) {
	sample, err := os.ReadFile("testdata/credential-report.csv")
	if err != nil {
		t.Fatal(err)
	}
	header, rows, _ := strings.Cut(string(sample), "\n")
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "empty"},
		{"missing columns", strings.Replace(header, "mfa_active", "mfa", 1) + "\n",
			"missing columns mfa_active"},
		{"bad date", header + "\n" + strings.Replace(rows,
			"2026-09-01T08:00:00+00:00", "yesterday", 1), "line 3: column password_last_changed"},
		{"bad flag", header + "\n" + strings.Replace(rows, ",true,", ",yes,", 1),
			"is not true or false"},
		{"short row", header + "\nalice,arn\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCredentialReport(strings.NewReader(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestIAMStatsOfSample(t *testing.T) {
	report := readSample(t)
	tests := []struct {
		name      string
		now       time.Time
		wantLogin LoginStats
		wantAPI   APIStats
	}{
		// At the reference time: see the comments in the sample's users.
		{"reference time", reportNow,
			LoginStats{Users: 6, OldPassword: 4, NoLogin: 2, NoMFA: 3},
			APIStats{Users: 4, OldKey: 3, UnusedKey: 2}},
		// One second earlier frank's password is not yet old.
		{"a second earlier", reportNow.Add(-time.Second),
			LoginStats{Users: 6, OldPassword: 3, NoLogin: 2, NoMFA: 3},
			APIStats{Users: 4, OldKey: 3, UnusedKey: 2}},
		// A second later frank has not signed in since the cutoff.
		{"a second later", reportNow.Add(time.Second),
			LoginStats{Users: 6, OldPassword: 4, NoLogin: 3, NoMFA: 3},
			APIStats{Users: 4, OldKey: 3, UnusedKey: 2}},
		// Two years on, everything is old and unused.
		{"two years later", reportNow.AddDate(2, 0, 0),
			LoginStats{Users: 6, OldPassword: 6, NoLogin: 6, NoMFA: 3},
			APIStats{Users: 4, OldKey: 4, UnusedKey: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Login(report, tt.now); got != tt.wantLogin {
				t.Errorf("login: got %+v, want %+v", got, tt.wantLogin)
			}
			if got := API(report, tt.now); got != tt.wantAPI {
				t.Errorf("api: got %+v, want %+v", got, tt.wantAPI)
			}
		})
	}
}
