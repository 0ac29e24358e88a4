package lifecycle

import "context"

// Latest is the newest published patch of a version, for endoflife.date's
// `latest` and the pages.
type Latest struct {
	Name string `json:"name"`
	Date string `json:"date"` // YYYY-MM-DD, Beijing day it was published
	Link string `json:"link"` // absolute path on this site, or empty
}

// LatestSource answers a version's newest published patch, nil when it has
// none. The patch room supplies it (app wires it) so that lifecycle does not
// import patch.
type LatestSource func(ctx context.Context, product, version string) (*Latest, error)

// UseLatest sets where the latest patch levels come from. Call it in
// app.Build, before serving.
func (s *Service) UseLatest(src LatestSource) { s.latestSource = src }

// Latest returns a version's newest published patch: nil when there is none
// or no source is set.
func (s *Service) Latest(ctx context.Context, product, version string) (*Latest, error) {
	if s.latestSource == nil {
		return nil, nil
	}
	return s.latestSource(ctx, product, version)
}

// eol is l in endoflife.date's shape, where an unknown date or link is null
// and the link is absolute.
func (l *Latest) eol(site string) *EOLLatest {
	if l == nil {
		return nil
	}
	out := &EOLLatest{Name: l.Name}
	if l.Date != "" {
		out.Date = &l.Date
	}
	if l.Link != "" {
		link := l.Link
		if link[0] == '/' {
			link = site + link
		}
		out.Link = &link
	}
	return out
}
