package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// target is where the emulator is expected to answer.
type target struct {
	// url is the endpoint clients use, e.g. http://127.0.0.1:4566.
	url string
	// host is the address a server started here listens on.
	host string
	// port is the port a server started here listens on.
	port string
	// loopback reports whether a server may be started here for url.
	loopback bool
}

// resolveTarget turns AWS_ENDPOINT_URL (empty when unset) into a target.
// An unset variable means moto's usual 127.0.0.1:4566. A URL whose host is
// localhost or a loopback address keeps its port, so a server started for it
// answers where clients look.
func resolveTarget(endpoint string) (target, error) {
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return target{}, fmt.Errorf("parse AWS_ENDPOINT_URL %q: %w",
			endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" {
		return target{}, fmt.Errorf(
			"AWS_ENDPOINT_URL %q: want http://host:port", endpoint)
	}

	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	host := u.Hostname()
	loopback := host == "localhost"
	if ip := net.ParseIP(host); ip != nil {
		loopback = ip.IsLoopback()
	} else {
		// moto listens on an address, not a name.
		host = "127.0.0.1"
	}
	return target{
		url:      endpoint,
		host:     host,
		port:     port,
		loopback: loopback && u.Scheme == "http",
	}, nil
}

// probeClient asks the emulator directly, never through a proxy.
var probeClient = &http.Client{
	Transport: &http.Transport{Proxy: nil},
}

// answers reports whether anything speaks HTTP at url. Any status counts:
// moto and LocalStack answer a bare GET on their root differently.
func answers(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := probeClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}
