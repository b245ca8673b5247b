package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Credentials the stand-in SecureX accepts; no output may show the
// secret.
const (
	standInClientID     = "client-standin"
	standInClientSecret = "standin-client-secret-not-to-print"
	standInToken        = "standin-token-not-to-print"
)

// standIn plays SecureX's token endpoint and module-type API, keeping
// the module types it holds. failCreate, when set, is the status of
// every create.
type standIn struct {
	mu         sync.Mutex
	types      map[string]map[string]any
	created    int
	deleted    []string
	failCreate int
	url        string
}

// startStandIn serves a stand-in SecureX on a loopback port.
func startStandIn(t *testing.T) *standIn {
	t.Helper()
	s := &standIn{types: map[string]map[string]any{}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/iroh/oauth2/token" {
		id, secret, _ := r.BasicAuth()
		_ = r.ParseForm()
		if id != standInClientID || secret != standInClientSecret ||
			r.PostForm.Get("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, `{"access_token": %q, "token_type": "bearer"}`, standInToken)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+standInToken {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	const base = "/iroh/iroh-int/module-type"
	id := strings.TrimPrefix(r.URL.Path, base+"/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == base:
		s.create(w, r)
	case r.Method == http.MethodGet && s.types[id] != nil:
		_ = json.NewEncoder(w).Encode(s.types[id])
	case r.Method == http.MethodDelete && s.types[id] != nil:
		delete(s.types, id)
		s.deleted = append(s.deleted, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error": "not found"}`)
	}
}

// create stores a module type and answers its new id.
func (s *standIn) create(w http.ResponseWriter, r *http.Request) {
	if s.failCreate != 0 {
		w.WriteHeader(s.failCreate)
		_, _ = io.WriteString(w, `{"message": "refused by the stand-in"}`)
		return
	}
	var doc map[string]any
	if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.created++
	id := fmt.Sprintf("mt-%d", s.created)
	s.types[id] = doc
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"id": %q}`, id)
}

// property returns a property of the module type id.
func (s *standIn) property(id, key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	props, _ := s.types[id]["properties"].(map[string]any)
	return props[key]
}

// count returns how many module types the stand-in holds.
func (s *standIn) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.types)
}

// forget drops every module type, as if deleted in SecureX.
func (s *standIn) forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.types = map[string]map[string]any{}
}
