package boot

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// storeFor returns a ParameterStore that calls handler with session
// credentials.
func storeFor(t *testing.T, handler http.HandlerFunc) *ParameterStore {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return NewParameterStore(aws.Config{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST",
			"secret-key", "session-token"),
	})
}

func TestParameterStoreRequest(t *testing.T) {
	store := storeFor(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		checks := map[string]bool{
			"POST /":       r.Method == http.MethodPost && r.URL.Path == "/",
			"target":       r.Header.Get("X-Amz-Target") == "AmazonSSM.GetParameter",
			"content type": r.Header.Get("Content-Type") == "application/x-amz-json-1.1",
			"signed for ssm in the region": strings.HasPrefix(
				r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") &&
				strings.Contains(r.Header.Get("Authorization"), "/eu-west-1/ssm/aws4_request"),
			"session token": r.Header.Get("X-Amz-Security-Token") == "session-token",
			"body":          string(body) == `{"Name":"/p/relay-secret","WithDecryption":true}`,
		}
		for name, ok := range checks {
			if !ok {
				t.Errorf("request: %s is wrong", name)
			}
		}
		_, _ = io.WriteString(w, `{"Parameter": {"Name": "/p/relay-secret",
			"Type": "SecureString", "Value": "v1", "Version": 1}}`)
	})
	got, err := store.ReadParameter(context.Background(), "/p/relay-secret")
	if err != nil || got != (Parameter{Type: "SecureString", Value: "v1"}) {
		t.Fatalf("ReadParameter = %+v, %v", got, err)
	}
}

func TestParameterStoreAnswers(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		body      string
		wantErr   string
		wantCalls int32
	}{
		{name: "not found", statuses: []int{400}, wantCalls: 1,
			body:    `{"__type": "ParameterNotFound", "message": ""}`,
			wantErr: ErrParameterNotFound.Error()},
		{name: "denied", statuses: []int{400}, wantCalls: 1,
			body: `{"__type": "com.amazonaws#AccessDeniedException", ` +
				`"message": "not authorized"}`,
			wantErr: "AccessDeniedException: not authorized"},
		{name: "retried after a failure", statuses: []int{500, 200}, wantCalls: 2,
			body: `{"Parameter": {"Type": "SecureString", "Value": "v"}}`},
		{name: "throttled twice", statuses: []int{400, 400}, wantCalls: 2,
			body: `{"__type": "ThrottlingException"}`, wantErr: "Throttling"},
		{name: "garbled answer", statuses: []int{200}, wantCalls: 1,
			body: `{"Parameter": "the-secret`, wantErr: "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			store := storeFor(t, func(w http.ResponseWriter, _ *http.Request) {
				n := calls.Add(1)
				w.WriteHeader(tt.statuses[min(int(n), len(tt.statuses))-1])
				_, _ = io.WriteString(w, tt.body)
			})
			_, err := store.ReadParameter(context.Background(), "/p")
			if calls.Load() != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tt.wantCalls)
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("ReadParameter = %v, want nil", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(),
				tt.wantErr)) {
				t.Fatalf("ReadParameter = %v, want an error with %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "the-secret") {
				t.Error("the error quotes the answer")
			}
		})
	}
}

func TestParameterStoreEndpoint(t *testing.T) {
	tests := []struct {
		cfg  aws.Config
		want string
	}{
		{cfg: aws.Config{Region: "us-east-1"}, want: "https://ssm.us-east-1.amazonaws.com"},
		{cfg: aws.Config{Region: "cn-north-1"},
			want: "https://ssm.cn-north-1.amazonaws.com.cn"},
		{cfg: aws.Config{Region: "us-east-1",
			BaseEndpoint: aws.String("http://localhost:4566/")},
			want: "http://localhost:4566"},
	}
	for _, tt := range tests {
		if got := NewParameterStore(tt.cfg).endpoint(); got != tt.want {
			t.Errorf("endpoint for %s = %s, want %s", tt.cfg.Region, got, tt.want)
		}
	}
	_, err := NewParameterStore(aws.Config{Region: "us-east-1"}).
		ReadParameter(context.Background(), "/p")
	if err == nil || errors.Is(err, ErrParameterNotFound) {
		t.Errorf("ReadParameter without credentials = %v, want an error", err)
	}
}
