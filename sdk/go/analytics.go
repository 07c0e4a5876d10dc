package triggers

// Analytics: rows (an iterator), the summary, and the export as a stream that is never buffered whole.

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// AnalyticsService is client.Analytics.
type AnalyticsService struct{ c *Client }

func (q AnalyticsQuery) values() url.Values {
	v := url.Values{}
	set(v, "start_date", q.StartDate)
	set(v, "end_date", q.EndDate)
	set(v, "metric_type", q.MetricType)
	setInt(v, "limit", q.Limit)
	return v
}

// Rows iterates every row of the range, oldest first.
func (s *AnalyticsService) Rows(query AnalyticsQuery) *Iterator[AnalyticsRow] {
	return newIterator(func(ctx context.Context, cursor string) ([]AnalyticsRow, *string, error) {
		q := query.values()
		set(q, "cursor", cursor)
		var p struct {
			Data []AnalyticsRow `json:"data"`
			page
		}
		err := s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/analytics", query: q}, &p)
		return p.Data, p.NextCursor, err
	})
}

// Summary totals the range with the top sources and event types (top 0: the server's 10).
func (s *AnalyticsService) Summary(ctx context.Context, query AnalyticsQuery, top int) (*AnalyticsSummary, error) {
	q := query.values()
	q.Del("metric_type")
	q.Del("limit")
	setInt(q, "top", top)
	var out AnalyticsSummary
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/analytics/summary", query: q}, &out))
}

// Export is a download: the server's file name and content type, and the body to read and close.
// A transfer cut midway makes reading Body fail (never a short file that looks complete).
type Export struct {
	Filename    string
	ContentType string
	Body        io.ReadCloser
}

// Export starts the download in format csv or json; the caller must close Body.
func (s *AnalyticsService) Export(ctx context.Context, query AnalyticsQuery, format string) (*Export, error) {
	q := query.values()
	q.Set("format", format)
	res, _, err := s.c.do(ctx, call{method: http.MethodGet, path: "/v1/analytics/export", query: q, stream: true})
	if err != nil {
		return nil, err
	}
	out := &Export{ContentType: res.Header.Get("Content-Type"), Body: res.Body}
	if _, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition")); err == nil {
		out.Filename = params["filename"]
	}
	return out, nil
}
