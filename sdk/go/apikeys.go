package triggers

// API keys: create (admin token), read, rotate without downtime, list versions (pages or an iterator),
// revoke.

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

// VersionsQuery pages GET /v1/api-keys/{id}/versions.
type VersionsQuery struct {
	Limit int // page size, 1..100 (0: the server's 50)
}

// KeyVersionsPage is one page of a key's lineage, oldest first.
type KeyVersionsPage struct {
	LineageID string   `json:"lineage_id"`
	Versions  []APIKey `json:"versions"`
	page
}

// VersionsPage fetches one page of the versions of the key's lineage, oldest first: cursor "" for the
// first page, then the page's NextCursor until it is nil.
func (s *APIKeysService) VersionsPage(ctx context.Context, keyID string, query VersionsQuery, cursor string) (*KeyVersionsPage, error) {
	q := url.Values{}
	setInt(q, "limit", query.Limit)
	set(q, "cursor", cursor)
	var out KeyVersionsPage
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: keyPath(keyID, "/versions"), query: q}, &out))
}

// Versions iterates every version of the key's lineage, oldest first. Iterator.Limit sets the page size.
func (s *APIKeysService) Versions(keyID string) *Iterator[APIKey] {
	return newIterator(func(ctx context.Context, cursor string, limit int) ([]APIKey, *string, error) {
		p, err := s.VersionsPage(ctx, keyID, VersionsQuery{Limit: limit}, cursor)
		if err != nil {
			return nil, nil, err
		}
		return p.Versions, p.NextCursor, nil
	})
}

// Revoke revokes this version at once (idempotent).
func (s *APIKeysService) Revoke(ctx context.Context, keyID string) (*APIKey, error) {
	var out APIKey
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: keyPath(keyID, "/revoke"), idempotent: true}, &out))
}
