package flowlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// corpusPath is the shared corpus of public VPC flow log records, relative
// to this package: the shared/ folder beside the repository. Its files keep
// their sources' licences, so they are read from there and never copied.
const corpusPath = "../../../shared/corpora/vpcflow"

// TestCorpus parses every record of every source in the corpus and checks
// the values each source expects. The sources are other parsers, and they
// disagree in places; each check says what the relay does and why.
func TestCorpus(t *testing.T) {
	dir := filepath.FromSlash(corpusPath)
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("VPC flow log corpus not found at %s (the shared/ folder "+
			"beside the repository): %v", dir, err)
	}
	c := &corpus{dir: dir, seen: map[string]string{}}
	sources := []struct {
		name  string
		check func(*testing.T, *corpus)
	}{
		{"aws-docs", checkAWSDocs},
		{"vrl", checkVRL},
		{"flowlogs-reader", checkFlowlogsReader},
		{"elastic-beats", checkElasticBeats},
		{"elastic-beats-processor", checkElasticProcessor},
		{"elastic-integrations", checkElasticIntegrations},
		{"otel-collector-contrib", checkOTel},
		{"panther", checkPanther},
		{"graylog-integrations", checkGraylog},
		{"streamlogs2fluentd", checkStreamlogs},
	}
	for _, s := range sources {
		t.Run(s.name, func(t *testing.T) {
			before := c.compared
			s.check(t, c)
			if c.compared == before {
				t.Error("no value of this source was compared")
			}
		})
	}
	t.Logf("parsed %d records, compared %d expected values",
		c.records, c.compared)
	c.checkAllRead(t)
}

// corpus reads the corpus and remembers which files the checks used.
type corpus struct {
	dir      string
	seen     map[string]string // file read -> "" or why it was skipped
	records  int
	compared int
}

// read returns the contents of the corpus file rel.
func (c *corpus) read(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("read corpus file: %v", err)
	}
	c.seen[rel] = ""
	return data
}

// readJSON decodes the corpus file rel into v.
func (c *corpus) readJSON(t *testing.T, rel string, v any) {
	t.Helper()
	if err := json.Unmarshal(c.read(t, rel), v); err != nil {
		t.Fatalf("decode %s: %v", rel, err)
	}
}

// skip records that the file rel is deliberately not read, and why.
func (c *corpus) skip(rel, why string) {
	c.seen[rel] = why
}

// format reads a corpus file that holds a format as plain names.
func (c *corpus) format(t *testing.T, rel string) Format {
	t.Helper()
	return mustFormat(t, string(c.read(t, rel)))
}

// checkAllRead fails for any corpus file that no check read or skipped,
// so that a file added to the corpus is not silently left out.
func (c *corpus) checkAllRead(t *testing.T) {
	err := filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(c.dir, path)
		rel = filepath.ToSlash(rel)
		base := filepath.Base(rel)
		if base == "README.md" || base == "SOURCE.md" {
			return nil
		}
		why, ok := c.seen[rel]
		switch {
		case !ok:
			t.Errorf("corpus file %s is neither read nor skipped", rel)
		case why != "":
			t.Logf("not read: %s: %s", rel, why)
		}
		return nil
	})
	if err != nil {
		t.Errorf("walk corpus: %v", err)
	}
}

// parsedLine is one line of a corpus file and what Parse made of it.
type parsedLine struct {
	where string // file:line
	text  string // the line without its line ending
	rec   Record
	err   error
}

// parseLines parses each non-empty line of data. A header line (one that
// starts with a field name, as S3 files do) sets the format of the lines
// after it; before any header, pick chooses the format of a line.
func (c *corpus) parseLines(t *testing.T, name string, data []byte,
	pick func(line string) Format) []parsedLine {
	t.Helper()
	var out []parsedLine
	var header *Format
	for n, raw := range bytes.Split(data, []byte("\n")) {
		text := strings.TrimSuffix(string(raw), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if isHeader(text) {
			f := mustFormat(t, text)
			header = &f
			continue
		}
		format := header
		if format == nil {
			f := pick(text)
			format = &f
		}
		p := parsedLine{where: name + ":" + strconv.Itoa(n+1), text: text}
		p.err = format.Parse(raw, &p.rec)
		if p.err == nil {
			c.records++
		}
		out = append(out, p)
	}
	return out
}

// parseFile parses the corpus file rel; see parseLines.
func (c *corpus) parseFile(t *testing.T, rel string,
	pick func(string) Format) []parsedLine {
	t.Helper()
	return c.parseLines(t, rel, c.read(t, rel), pick)
}

// isHeader reports whether line names fields rather than holding values.
func isHeader(line string) bool {
	tokens := strings.Fields(line)
	_, ok := LookupField(tokens[0])
	return ok
}

// always returns a pick function that chooses f for every line.
func always(f Format) func(string) Format {
	return func(string) Format { return f }
}

// requireParsed fails for each line that did not parse.
func requireParsed(t *testing.T, lines []parsedLine) {
	t.Helper()
	for _, l := range lines {
		if l.err != nil {
			t.Errorf("%s: %v\n\t%s", l.where, l.err, l.text)
		}
	}
}

// requireError fails unless line failed with an error wrapping want.
func requireError(t *testing.T, l parsedLine, want error) {
	t.Helper()
	if !errors.Is(l.err, want) {
		t.Errorf("%s: error = %v, want %v\n\t%s", l.where, l.err, want, l.text)
	}
}

// expect checks that field f of r holds what a source expects: want is nil
// or "-" for absent, a JSON number, or text as the source wrote it.
func (c *corpus) expect(t *testing.T, where string, r *Record, f Field, want any) {
	t.Helper()
	wantText, wantHas, err := normalize(f, want)
	if err != nil {
		t.Errorf("%s: %s: expected value %v: %v", where, f, want, err)
		return
	}
	c.compared++
	got, has := fieldText(r, f)
	if has != wantHas || (has && got != wantText) {
		t.Errorf("%s: %s = %q (has %v), source expects %q (has %v)",
			where, f, got, has, wantText, wantHas)
	}
}

// normalize turns an expected value into the text fieldText gives.
func normalize(f Field, want any) (string, bool, error) {
	switch v := want.(type) {
	case nil:
		return "", false, nil
	case float64:
		return strconv.FormatInt(int64(v), 10), true, nil
	case int64:
		return strconv.FormatInt(v, 10), true, nil
	case string:
		if v == "-" {
			return "", false, nil
		}
		return normalizeText(f, v)
	}
	return "", false, errors.New("unexpected JSON type")
}

// normalizeText reads a textual expected value: times become Unix seconds
// and addresses take netip's form.
func normalizeText(f Field, v string) (string, bool, error) {
	switch fields[f].kind {
	case kindTime:
		if !strings.Contains(v, "T") {
			return v, true, nil
		}
		tm, err := parseSourceTime(v)
		return strconv.FormatInt(tm.Unix(), 10), true, err
	case kindAddr:
		a, err := netip.ParseAddr(v)
		return a.String(), true, err
	}
	return v, true, nil
}

// parseSourceTime reads an RFC 3339 time, or one without a zone (read as
// UTC, as the Python sources write them).
func parseSourceTime(v string) (time.Time, error) {
	if tm, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return tm, nil
	}
	return time.Parse("2006-01-02T15:04:05", v)
}

// dashed turns a field name with underscores, as several sources write
// them, into the AWS name.
func dashed(name string) string {
	return strings.ReplaceAll(name, "_", "-")
}

// expectByName checks every value of a map keyed by field names with
// underscores (account_id, pkt_srcaddr, ...).
func (c *corpus) expectByName(t *testing.T, where string, r *Record,
	want map[string]any) {
	t.Helper()
	for _, name := range sortedKeys(want) {
		f, ok := LookupField(dashed(name))
		if !ok {
			t.Errorf("%s: expected key %q names no field", where, name)
			continue
		}
		c.expect(t, where, r, f, want[name])
	}
}

// sortedKeys returns the keys of m in order, for stable test output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// findLine returns the parsed line whose text is text.
func findLine(lines []parsedLine, text string) (parsedLine, bool) {
	for _, l := range lines {
		if l.text == text {
			return l, true
		}
	}
	return parsedLine{}, false
}
