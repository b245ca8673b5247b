package relay

import "context"

// Router sends each request to the endpoint of its route.
type Router struct {
	server    *Server
	endpoints map[string]Endpoint
}

// NewRouter returns a Router serving endpoints with s.
func NewRouter(s *Server, endpoints ...Endpoint) *Router {
	r := &Router{server: s, endpoints: map[string]Endpoint{}}
	for _, e := range endpoints {
		r.endpoints[e.Path] = e
	}
	return r
}

// Handle answers req with the endpoint of its route, or a JSON 404 when
// the router has none.
func (r *Router) Handle(ctx context.Context, req *Request) Response {
	e, ok := r.endpoints[req.Route()]
	if !ok {
		r.server.log.Info().Str("request_id", req.RequestID).
			Str("path", quoteShort(req.Route())).Int("status", 404).Msg("call")
		return NotFoundResponse(req.Route())
	}
	return r.server.Serve(ctx, e, req)
}
