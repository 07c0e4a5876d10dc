package triggers

// API keys: create (admin token), read, rotate without downtime, list versions, revoke.

import (
	"context"
	"net/http"
	"net/url"
)

// APIKeysService is client.APIKeys.
type APIKeysService struct{ c *Client }

func keyPath(id, rest string) string { return "/v1/api-keys/" + url.PathEscape(id) + rest }

// Create makes a key; the client must hold the admin token. The secrets are shown this once.
func (s *APIKeysService) Create(ctx context.Context, input CreateAPIKeyInput) (*CreatedAPIKey, error) {
	var out CreatedAPIKey
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: "/v1/api-keys", body: input}, &out))
}

// Get returns the key without its secrets.
func (s *APIKeysService) Get(ctx context.Context, keyID string) (*APIKey, error) {
	var out APIKey
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: keyPath(keyID, "")}, &out))
}

// EndTransitionNow, as Rotate's transitionDays, ends the old version at once (a key that may have leaked).
const EndTransitionNow = -1

// Rotate creates the next version; the old one keeps working for transitionDays, or the server's default
// (7 days) when transitionDays is 0, as zero means the default everywhere in this package. Pass
// EndTransitionNow to end the old version at once. errors.Is(err, ErrConflict) when this version is
// not the lineage's active one.
func (s *APIKeysService) Rotate(ctx context.Context, keyID string, transitionDays int) (*RotatedAPIKey, error) {
	var out RotatedAPIKey
	body := map[string]int{}
	switch {
	case transitionDays < 0:
		body["transition_days"] = 0
	case transitionDays > 0:
		body["transition_days"] = transitionDays
	}
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: keyPath(keyID, "/rotate"), body: body}, &out))
}

// Versions iterates every version of the key's lineage, oldest first.
func (s *APIKeysService) Versions(keyID string) *Iterator[APIKey] {
	return newIterator(func(ctx context.Context, cursor string) ([]APIKey, *string, error) {
		q := url.Values{}
		set(q, "cursor", cursor)
		var p struct {
			Versions []APIKey `json:"versions"`
			page
		}
		err := s.c.doJSON(ctx, call{method: http.MethodGet, path: keyPath(keyID, "/versions"), query: q}, &p)
		return p.Versions, p.NextCursor, err
	})
}

// Revoke revokes this version at once (idempotent).
func (s *APIKeysService) Revoke(ctx context.Context, keyID string) (*APIKey, error) {
	var out APIKey
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: keyPath(keyID, "/revoke"), idempotent: true}, &out))
}
