package routes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/localhttp"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"

	"github.com/aws-vpc-flow-relay/relay/localstack/emutest"
)

// The integration tests share one seeded account and one local relay.
var (
	truth     *seed.Truth
	relayURL  string
	skipWhy   string
	secret    = []byte("integration-test-secret-0123456789")
	relayLogs lockedBuffer
)

// lockedBuffer collects the relay's log lines; requests served at the same
// time write to it from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestMain(m *testing.M) {
	stop, err := setUp()
	if err != nil {
		fmt.Fprintln(os.Stderr, "routes: set up:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// setUp seeds the emulator and starts the relay, or notes why the
// integration tests must skip.
func setUp() (func(), error) {
	if skipWhy = emutest.SkipReason(); skipWhy != "" {
		return func() {}, nil
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"))
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	truth, err = seed.Run(ctx, cfg, seed.Options{Records: 20_000, Seed: 11,
		Prefix: fmt.Sprintf("r%d-", time.Now().UnixNano()%1e12)})
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	return startRelay()
}

// startRelay serves every route on a loopback port with the relay's own
// clock set to the end of the seeded period.
func startRelay() (func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	relayURL = "http://" + ln.Addr().String()
	r, err := boot.New(boot.Env{RelayURL: relayURL, Secret: string(secret),
		LogLevel: "info"}, &relayLogs)
	if err != nil {
		return nil, fmt.Errorf("boot: %w", err)
	}
	r.Deps.Now = func() time.Time { return truth.Now }
	srv := localhttp.NewServer(r.Router(routes.All(r.Deps)...))
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}

// needEmulator skips a test that needs the seeded emulator when absent.
func needEmulator(t *testing.T) {
	t.Helper()
	if skipWhy != "" {
		t.Skip(skipWhy)
	}
}

// config returns module configuration claims for the seeded account with
// overrides applied; a nil override value removes the key.
func claims(overrides map[string]any) map[string]any {
	c := map[string]any{
		"aud": relayURL, "exp": time.Now().Add(time.Minute).Unix(),
		"REGION": truth.Region, "LOG_GROUP": truth.CustomGroup().Name,
		"LOOKBACK": 7, "TIME_ZONE": "UTC", "ACCESS_KEY": "AKIAEMULATORTEST0001",
		"SECRET_KEY": "test",
	}
	for k, v := range overrides {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// reply is one answer of the relay.
type reply struct {
	status int
	raw    []byte
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// call sends a request with a token signed over c (none when c is nil).
func call(t *testing.T, method, path string, body []byte, c map[string]any) reply {
	t.Helper()
	req, err := http.NewRequest(method, relayURL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if c != nil {
		tok, err := auth.SignHS256(secret, c)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, raw: raw}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %s", method, path, raw)
	}
	return r
}

// observables encodes a list of observables of one type.
func observables(typ string, values ...string) []byte {
	var list []map[string]string
	for _, v := range values {
		list = append(list, map[string]string{"type": typ, "value": v})
	}
	b, _ := json.Marshal(list)
	return b
}
