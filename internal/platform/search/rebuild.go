package search

import (
	"context"
	"fmt"

	"steward.dev/steward/internal/platform/db"
)

// Source produces every current document of one type, for a rebuild: the
// same documents the type's live reindexing writes.
type Source struct {
	Type string
	Docs func(ctx context.Context, put func(Doc) error) error
}

// Rebuilt says what a rebuild did to one type's documents.
type Rebuilt struct {
	Type             string
	Removed, Indexed int
}

// Rebuild replaces each source's documents in idx with those it produces now,
// one transaction per type, so a search during the rebuild finds a type's old
// documents or its new ones, never a mix. audit records each type's counts in
// its transaction (the platform does not know the audit trail). It returns
// what it did, type by type, up to the first failure, whose type keeps its old
// documents.
func Rebuild(ctx context.Context, d *db.DB, idx Index, audit func(ctx context.Context, tx *db.Tx, r Rebuilt) error,
	sources ...Source) ([]Rebuilt, error) {
	var done []Rebuilt
	for _, src := range sources {
		r := Rebuilt{Type: src.Type}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			if r.Removed, err = idx.Clear(ctx, tx, src.Type); err != nil {
				return err
			}
			r.Indexed = 0
			if err := src.Docs(ctx, func(doc Doc) error {
				if doc.Type != src.Type {
					return fmt.Errorf("the %s source produced a %s document (%s)", src.Type, doc.Type, doc.ID)
				}
				r.Indexed++
				return idx.Put(ctx, tx, doc)
			}); err != nil {
				return err
			}
			return audit(ctx, tx, r)
		})
		if err != nil {
			return done, fmt.Errorf("rebuild the %s documents: %w", src.Type, err)
		}
		done = append(done, r)
	}
	return done, nil
}
