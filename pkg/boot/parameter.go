package boot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// ErrParameterNotFound reports that Parameter Store has no parameter of
// the name asked.
var ErrParameterNotFound = errors.New("parameter not found")

// Parameter is an SSM parameter's type and (decrypted) value.
type Parameter struct {
	Type  string
	Value string
}

// ParameterReader reads one SSM parameter with decryption.
type ParameterReader interface {
	ReadParameter(ctx context.Context, name string) (Parameter, error)
}

// ParameterStore reads parameters with one signed call to the SSM API
// (GetParameter). It does what the SDK's SSM client would, without
// linking that client into every function: the client's size measurably
// slows a cold start.
type ParameterStore struct {
	cfg  aws.Config
	http *http.Client
}

// NewParameterStore returns a store calling SSM in cfg's region, or at
// cfg.BaseEndpoint (AWS_ENDPOINT_URL) when set, with cfg's credentials.
func NewParameterStore(cfg aws.Config) *ParameterStore {
	return &ParameterStore{cfg: cfg, http: &http.Client{Timeout: 3 * time.Second}}
}

// ReadParameter calls GetParameter with decryption, trying again once
// when SSM throttles or fails.
func (s *ParameterStore) ReadParameter(ctx context.Context, name string) (Parameter, error) {
	body, err := json.Marshal(map[string]any{"Name": name, "WithDecryption": true})
	if err != nil {
		return Parameter{}, fmt.Errorf("encode GetParameter request: %w", err)
	}
	var p Parameter
	for attempt := 1; ; attempt++ {
		var retry bool
		p, retry, err = s.call(ctx, body)
		if !retry || attempt == 2 {
			return p, err
		}
		select {
		case <-ctx.Done():
			return Parameter{}, fmt.Errorf("wait to retry GetParameter: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// call makes one signed GetParameter request; retry reports whether a
// failure may pass on a second try.
func (s *ParameterStore) call(ctx context.Context, body []byte) (Parameter, bool, error) {
	req, err := s.signed(ctx, body)
	if err != nil {
		return Parameter{}, false, err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return Parameter{}, true, fmt.Errorf("call ssm:GetParameter: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Parameter{}, true, fmt.Errorf("read ssm:GetParameter answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return Parameter{}, retryable(resp.StatusCode, raw), apiError(resp.StatusCode, raw)
	}
	var answer struct{ Parameter Parameter }
	if err := json.Unmarshal(raw, &answer); err != nil {
		// The answer holds the secret: the error must not quote it.
		return Parameter{}, false, errors.New("decode ssm:GetParameter answer")
	}
	return answer.Parameter, false, nil
}

// signed builds the GetParameter request signed with Signature Version 4.
func (s *ParameterStore) signed(ctx context.Context, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint()+"/",
		bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build GetParameter request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM.GetParameter")
	if s.cfg.Credentials == nil {
		return nil, errors.New("sign GetParameter request: no AWS credentials")
	}
	creds, err := s.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("get AWS credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	err = v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]),
		"ssm", s.cfg.Region, time.Now())
	if err != nil {
		return nil, fmt.Errorf("sign GetParameter request: %w", err)
	}
	return req, nil
}

// endpoint is the SSM API's base URL.
func (s *ParameterStore) endpoint() string {
	if base := aws.ToString(s.cfg.BaseEndpoint); base != "" {
		return strings.TrimRight(base, "/")
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(s.cfg.Region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://ssm." + s.cfg.Region + "." + suffix
}

// apiError turns an SSM error answer into an error naming its type and
// message; ParameterNotFound wraps ErrParameterNotFound.
func apiError(status int, raw []byte) error {
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &e)
	kind := e.Type[strings.LastIndex(e.Type, "#")+1:]
	if kind == "ParameterNotFound" {
		return ErrParameterNotFound
	}
	if kind == "" {
		kind = http.StatusText(status)
	}
	return fmt.Errorf("ssm:GetParameter answered %d %s: %s", status, kind, e.Message)
}

// retryable reports whether an error answer may pass on a second try.
func retryable(status int, raw []byte) bool {
	return status >= 500 || status == http.StatusTooManyRequests ||
		bytes.Contains(raw, []byte("Throttling"))
}
