package securex

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// ModuleType is an integration module type as module_type.json holds it:
// the document SecureX registers, before the deploy adds the relay's URL
// and key. Fields the deploy does not know are kept as they are.
type ModuleType struct {
	doc map[string]any
}

// LoadModuleType reads a module type from path and checks that it has
// what SecureX and the relay need.
func LoadModuleType(path string) (ModuleType, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ModuleType{}, fmt.Errorf("read module type: %w", err)
	}
	return ParseModuleType(raw)
}

// ParseModuleType decodes a module type and checks that it has a title,
// a configuration_spec of custom_ keys, capabilities and
// properties.supported-apis.
func ParseModuleType(raw []byte) (ModuleType, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return ModuleType{}, fmt.Errorf("decode module type: %w", err)
	}
	m := ModuleType{doc: doc}
	if err := m.check(); err != nil {
		return ModuleType{}, fmt.Errorf("check module type: %w", err)
	}
	return m, nil
}

// Title returns the module type's title.
func (m ModuleType) Title() string {
	title, _ := m.doc["title"].(string)
	return title
}

// check reports the first thing the document lacks.
func (m ModuleType) check() error {
	if m.Title() == "" {
		return fmt.Errorf("title is missing")
	}
	spec, _ := m.doc["configuration_spec"].([]any)
	if len(spec) == 0 {
		return fmt.Errorf("configuration_spec is missing")
	}
	for i, item := range spec {
		entry, _ := item.(map[string]any)
		key, _ := entry["key"].(string)
		if !strings.HasPrefix(key, "custom_") {
			return fmt.Errorf("configuration_spec[%d]: key %q lacks the custom_ prefix",
				i, key)
		}
	}
	if caps, _ := m.doc["capabilities"].([]any); len(caps) == 0 {
		return fmt.Errorf("capabilities are missing")
	}
	props, _ := m.doc["properties"].(map[string]any)
	if apis, _ := props["supported-apis"].([]any); len(apis) == 0 {
		return fmt.Errorf("properties.supported-apis is missing")
	}
	return nil
}

// Bind returns the JSON document to register for a relay deployed at
// relayURL whose configuration tokens are signed with key: the module
// type with properties.url and the configuration-token audience set to
// relayURL, and the HS256 configuration-token auth with key. The result
// holds the key: send it to SecureX and nowhere else.
func (m ModuleType) Bind(relayURL string, key settings.Secret) ([]byte, error) {
	u, err := url.Parse(relayURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("bind module type: relay URL %q is not an http(s) URL",
			relayURL)
	}
	if key == "" {
		return nil, fmt.Errorf("bind module type: the relay secret is empty")
	}
	// A shallow copy of the top level and of properties is enough: only
	// properties changes.
	doc := make(map[string]any, len(m.doc))
	for k, v := range m.doc {
		doc[k] = v
	}
	props := map[string]any{}
	if old, ok := m.doc["properties"].(map[string]any); ok {
		for k, v := range old {
			props[k] = v
		}
	}
	base := strings.TrimRight(relayURL, "/")
	props["url"] = base
	props["auth-type"] = "configuration-token"
	props["configuration-token-alg"] = "HS256"
	props["configuration-token-audience"] = base
	props["configuration-token-key"] = key.Reveal()
	doc["properties"] = props
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode module type: %w", err)
	}
	return body, nil
}
