package securex

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Paths of the SecureX APIs the deploy calls, below a region's base URL.
const (
	tokenPath      = "/iroh/oauth2/token"
	moduleTypePath = "/iroh/iroh-int/module-type"
)

// opLogin names the token step in errors; a 404 there is no missing
// module type.
const opLogin = "get a SecureX token"

// moduleTypeID is what a module type id from SecureX may hold.
var moduleTypeID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// regions maps a SecureX region name to its API base URL.
var regions = map[string]string{
	"US":   "https://visibility.amp.cisco.com",
	"EU":   "https://visibility.eu.amp.cisco.com",
	"APJC": "https://visibility.apjc.amp.cisco.com",
}

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 1 << 20

// ErrNotFound reports that SecureX has no module type with the given id.
var ErrNotFound = errors.New("securex: module type not found")

// BaseURL returns the API base URL of a SecureX region: US, EU or APJC,
// in any letter case.
func BaseURL(region string) (string, error) {
	base, ok := regions[strings.ToUpper(strings.TrimSpace(region))]
	if !ok {
		names := make([]string, 0, len(regions))
		for name := range regions {
			names = append(names, name)
		}
		sort.Strings(names)
		return "", fmt.Errorf("unknown SecureX region %q: use one of %s",
			region, strings.Join(names, ", "))
	}
	return base, nil
}

// KnownBaseURL reports whether base is the API base URL of a SecureX
// region, with or without a trailing slash.
func KnownBaseURL(base string) bool {
	for _, known := range regions {
		if strings.TrimRight(base, "/") == known {
			return true
		}
	}
	return false
}

// ValidID reports whether id has the shape of a module type id: 1 to 128
// letters, digits, hyphens and underscores.
func ValidID(id string) bool {
	return moduleTypeID.MatchString(id)
}

// Client calls one SecureX region's APIs. Create it with New and call
// Login before anything else.
type Client struct {
	base  string
	http  *http.Client
	token settings.Secret
	// secrets are taken out of any text SecureX answers: the client
	// secret and the token.
	secrets []settings.Secret
}

// New returns a client for the APIs at base, such as a value of BaseURL
// or a test server's URL. A nil httpClient means one with a 30 s timeout.
// The client never follows a redirect, whatever httpClient does: a
// redirect would carry the credentials, the token or the relay secret to
// another address.
func New(base string, httpClient *http.Client) *Client {
	hc := http.Client{Timeout: 30 * time.Second}
	if httpClient != nil {
		hc = *httpClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return &Client{base: strings.TrimRight(base, "/"), http: &hc}
}

// Login gets an access token for the API client with the OAuth2 client
// credentials grant and keeps it for the calls that follow.
func (c *Client) Login(ctx context.Context, clientID string,
	clientSecret settings.Secret) error {
	const op = opLogin
	if clientID == "" || clientSecret == "" {
		return &Error{Op: op, Hint: "give the API client's id and secret"}
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		c.base+tokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("build token request: %w", err)
	}
	c.secrets = append(c.secrets, secretForms(clientID, clientSecret)...)
	req.SetBasicAuth(clientID, clientSecret.Reveal())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := c.do(req, op, http.StatusOK, &answer); err != nil {
		return err
	}
	if answer.AccessToken == "" {
		return &Error{Op: op, Status: http.StatusOK,
			Hint: "SecureX answered without a token; check the SecureX region"}
	}
	c.token = settings.Secret(answer.AccessToken)
	c.secrets = append(c.secrets, c.token)
	return nil
}

// secretForms returns the forms in which SecureX may echo the client
// secret: as it is, base64-encoded, and as the Basic Authorization
// header carries it, base64 of "id:secret".
func secretForms(clientID string, secret settings.Secret) []settings.Secret {
	b64 := base64.StdEncoding.EncodeToString
	return []settings.Secret{secret,
		settings.Secret(b64([]byte(clientID + ":" + secret.Reveal()))),
		settings.Secret(b64([]byte(secret.Reveal())))}
}

// CreateModuleType registers a module type, the JSON document body, and
// returns the id SecureX gave it. SecureX answers 201; any 2xx answer
// that carries an id is taken, so that a created type is never lost. The
// relay secret in body is taken out of any error.
func (c *Client) CreateModuleType(ctx context.Context, body []byte) (string, error) {
	const op = "create the SecureX module type"
	req, err := c.request(ctx, http.MethodPost, moduleTypePath, body)
	if err != nil {
		return "", err
	}
	var answer struct {
		ID string `json:"id"`
	}
	if err := c.do(req, op, 0, &answer, boundKey(body)); err != nil {
		return "", err
	}
	if answer.ID == "" {
		return "", &Error{Op: op, Hint: "SecureX answered without an id; " +
			"look for the module type in SecureX and delete any duplicate"}
	}
	if !ValidID(answer.ID) {
		return "", &Error{Op: op,
			Detail: "SecureX answered the id " + quoted(answer.ID) +
				", which is not 1 to 128 letters, digits, - and _",
			Hint: "look for the module type in SecureX by its title and " +
				"delete it; then try again"}
	}
	return answer.ID, nil
}

// boundKey returns the relay secret a bound module type holds, "" when
// body holds none.
func boundKey(body []byte) settings.Secret {
	var doc struct {
		Properties struct {
			Key string `json:"configuration-token-key"`
		} `json:"properties"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return settings.Secret(doc.Properties.Key)
}

// checkID refuses an id that is not a module type id before it goes into
// a URL.
func checkID(op, id string) error {
	if ValidID(id) {
		return nil
	}
	return &Error{Op: op, Detail: "the id " + quoted(id) + " is not a " +
		"module type id", Hint: "give the id SecureX answered at creation"}
}

// ModuleTypeExists reports whether SecureX still has the module type id.
func (c *Client) ModuleTypeExists(ctx context.Context, id string) (bool, error) {
	if err := checkID("find the SecureX module type", id); err != nil {
		return false, err
	}
	req, err := c.request(ctx, http.MethodGet, moduleTypeURL(id), nil)
	if err != nil {
		return false, err
	}
	err = c.do(req, "find the SecureX module type "+id, http.StatusOK, nil)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// DeleteModuleType deletes the module type id. It returns ErrNotFound,
// wrapped, when SecureX has no such module type.
func (c *Client) DeleteModuleType(ctx context.Context, id string) error {
	if err := checkID("delete the SecureX module type", id); err != nil {
		return err
	}
	req, err := c.request(ctx, http.MethodDelete, moduleTypeURL(id), nil)
	if err != nil {
		return err
	}
	return c.do(req, "delete the SecureX module type "+id, 0, nil)
}

// moduleTypeURL is the path of one module type.
func moduleTypeURL(id string) string {
	return moduleTypePath + "/" + url.PathEscape(id)
}

// request builds an authorized JSON request to path.
func (c *Client) request(ctx context.Context, method, path string,
	body []byte) (*http.Request, error) {
	if c.token == "" {
		return nil, errors.New("securex: call Login first")
	}
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
	if err != nil {
		return nil, fmt.Errorf("build %s %s request: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token.Reveal())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// do sends req and decodes a JSON answer into out when out is not nil.
// want is the expected status; 0 accepts any 2xx status. The client's
// secrets and extra are taken out of any text of the answer kept in an
// error.
func (c *Client) do(req *http.Request, op string, want int, out any,
	extra ...settings.Secret) error {
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{Op: op, Err: stripURL(err),
			Hint: "check the network and the SecureX region"}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return redirectError(op, resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return &Error{Op: op, Status: resp.StatusCode,
			Err: fmt.Errorf("read answer: %w", err), Hint: "try again"}
	}
	if !accepted(resp.StatusCode, want) {
		return answerError(op, resp.StatusCode, body,
			append(extra, c.secrets...))
	}
	if out == nil {
		return nil
	}
	if len(body) > maxAnswer {
		return &Error{Op: op, Status: resp.StatusCode,
			Detail: fmt.Sprintf("the answer is too large (over %d bytes)", maxAnswer),
			Hint:   "check the SecureX URL"}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &Error{Op: op, Status: resp.StatusCode,
			Err:  fmt.Errorf("decode answer: %w", err),
			Hint: "SecureX answered something other than JSON; check the SecureX URL"}
	}
	return nil
}

// accepted reports whether status is the wanted one, or any 2xx status
// when want is 0.
func accepted(status, want int) bool {
	if want == 0 {
		return status >= 200 && status < 300
	}
	return status == want
}

// stripURL drops the request URL from a transport error; the URL holds no
// secret, but the message reads better without the repetition.
func stripURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}
