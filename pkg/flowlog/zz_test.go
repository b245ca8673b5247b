package flowlog

import (
	"strings"
	"testing"
)

func BenchmarkZZShapes(b *testing.B) {
	toks := strings.Fields(benchV5)
	var unk, txt []string
	for i := range toks {
		unk = append(unk, "u"+string(rune('a'+i/26))+string(rune('a'+i%26)))
	}
	for f := FieldUnknown + 1; f < fieldCount && len(txt) < len(toks); f++ {
		if fields[f].kind == kindText {
			txt = append(txt, f.String())
		}
	}
	cases := []struct {
		name, format, line string
	}{
		{"one-field", "version", "2"},
		{"v5-skip", strings.Join(unk, " "), benchV5},
		{"v5-text", strings.Join(txt, " "), benchV5},
		{"v5-real", benchV5Format, benchV5},
		{"v5-nums", strings.Repeat("x ", 0) + "version srcport dstport protocol packets bytes start end tcp-flags traffic-path encryption-status packets-lost-no-route",
			"5 443 51234 6 38 21877 1718000000 1718000060 19 8 1 0"},
		{"v5-addrs", "srcaddr dstaddr pkt-srcaddr pkt-dstaddr", "10.20.30.40 198.51.100.77 10.20.30.40 198.51.100.77"},
	}
	for _, c := range cases {
		f := mustFormat(b, c.format)
		line := []byte(c.line)
		b.Run(c.name, func(b *testing.B) {
			var r Record
			if err := f.Parse(line, &r); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				f.Parse(line, &r)
			}
		})
	}
}
