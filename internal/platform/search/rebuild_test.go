package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

func TestRebuildReplacesATypeAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		articles := slices.DeleteFunc(slices.Clone(sample), func(doc Doc) bool { return doc.Type != "article" })
		// The index has gone wrong: one article's text is garbage, another is
		// there whose article is gone, and the question is missing.
		garbled := articles[0]
		garbled.Title, garbled.Body = "乱码", "乱码"
		put(t, d, garbled, articles[1], Doc{Type: "article", ID: "a-gone", Title: "补丁安装失败", Body: "已删除的文章", UpdatedAt: when})

		x := NewDBIndex(d)
		var midway string
		sources := []Source{
			{Type: "article", Docs: func(ctx context.Context, put func(Doc) error) error {
				for i, doc := range articles {
					if err := put(doc); err != nil {
						return err
					}
					if i == 0 { // a search while the rebuild is under way sees the old documents
						midway = ids(search(t, d, Query{Text: "补丁 乱码 反审核"}))
					}
				}
				return nil
			}},
			{Type: "question", Docs: func(ctx context.Context, put func(Doc) error) error { return put(sample[2]) }},
		}
		var audited []Rebuilt
		done, err := Rebuild(ctx, d, x, func(ctx context.Context, tx *db.Tx, r Rebuilt) error {
			tx.MarkAudited()
			audited = append(audited, r)
			return nil
		}, sources...)
		if err != nil {
			t.Fatal(err)
		}
		want := []Rebuilt{{Type: "article", Removed: 3, Indexed: 3}, {Type: "question", Removed: 0, Indexed: 1}}
		if !slices.Equal(done, want) || !slices.Equal(audited, want) {
			t.Errorf("rebuilt %v, audited %v, want %v", done, audited, want)
		}
		if !strings.Contains(midway, "a-gone") || !strings.Contains(midway, "a-reverse") || strings.Contains(midway, "q-") {
			t.Errorf("during the rebuild a search found %q, want the old documents", midway)
		}
		if got := ids(search(t, d, Query{Text: "凭证反审核"})); !strings.HasPrefix(got, "a-reverse") {
			t.Errorf("the repaired article: got %q", got)
		}
		for _, q := range []string{"补丁安装失败", "乱码"} {
			if got := ids(search(t, d, Query{Text: q})); got != "" {
				t.Errorf("%s still finds %q", q, got)
			}
		}
		if got := ids(search(t, d, Query{Text: "增值税专用发票"})); got != "q-invoice" {
			t.Errorf("the missing question: got %q", got)
		}

		// A source that fails leaves its type as it was.
		_, err = Rebuild(ctx, d, x, func(context.Context, *db.Tx, Rebuilt) error { return nil },
			Source{Type: "article", Docs: func(ctx context.Context, put func(Doc) error) error {
				return put(Doc{Type: "question", ID: "stray", Title: "x", UpdatedAt: when})
			}})
		if err == nil || !strings.Contains(err.Error(), "stray") {
			t.Errorf("a source of the wrong type: err = %v", err)
		}
		if got := ids(search(t, d, Query{Text: "凭证反审核"})); !strings.HasPrefix(got, "a-reverse") {
			t.Errorf("after a failed rebuild: got %q", got)
		}
	})
}
