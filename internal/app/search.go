package app

import (
	"context"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/search"
)

// RebuildSearch replaces every document in the search index with what the
// rooms hold now, one document type per transaction, each audited with its
// counts (the community's documents and the ideas square's): the repair when the index has gone wrong or after a change to how
// documents are segmented.
func (a *App) RebuildSearch(ctx context.Context) ([]search.Rebuilt, error) {
	rec := audit.NewRecorder(a.Config.Clock)
	return search.Rebuild(ctx, a.DB, search.NewDBIndex(a.DB), func(ctx context.Context, tx *db.Tx, r search.Rebuilt) error {
		return rec.Record(ctx, tx, audit.Entry{Action: "search.rebuild", TargetType: "search_index", TargetID: r.Type,
			Changes: map[string]audit.Change{"documents": {Before: r.Removed, After: r.Indexed}}})
	}, append(a.Community.SearchSources(), a.Ideas.SearchSource())...)
}
