package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/db/dbtest"
)

var when = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// put indexes docs in one transaction, as a room would next to its own write.
func put(t *testing.T, d *db.DB, docs ...Doc) {
	t.Helper()
	x := NewDBIndex(d)
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		tx.MarkAudited() // the room's audit record
		for _, doc := range docs {
			if err := x.Put(context.Background(), tx, doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ids(res Results) string {
	var out []string
	for _, h := range res.Items {
		out = append(out, h.ID)
	}
	return strings.Join(out, ",")
}

func search(t *testing.T, d *db.DB, q Query) Results {
	t.Helper()
	res, err := NewDBIndex(d).Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var sample = []Doc{
	{Type: "article", ID: "a-reverse", Title: "凭证反审核的操作步骤", Body: "在凭证查询中选中已审核的凭证，点击反审核。已过账的凭证需要先反过账。",
		Product: "k3cloud", Versions: []string{"8.0", "9.0"}, URL: "/help/a-reverse", UpdatedAt: when},
	{Type: "article", ID: "a-close", Title: "期末结账常见问题", Body: "结账前请确认所有凭证已过账，存货核算已完成出库成本计算。",
		Product: "k3cloud", URL: "/help/a-close", UpdatedAt: when},
	{Type: "question", ID: "q-invoice", Title: "增值税专用发票开错了怎么办", Body: "需要开具红字发票冲销，然后重新开票。",
		Product: "k3cloud", URL: "/questions/q-invoice", UpdatedAt: when},
	{Type: "article", ID: "a-license", Title: "How to renew the license file", Body: "Upload the renewed license file on the licenses page; users keep working.",
		Product: "galaxy", Versions: []string{"9.0"}, URL: "/help/a-license", UpdatedAt: when},
}

func TestSearchFindsParaphraseAndRanksTitleFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		put(t, d, sample...)
		// Not one of these words together in any document: OR, not AND.
		res := search(t, d, Query{Text: "已经审核的凭证想取消审核怎么弄"})
		if len(res.Items) == 0 || res.Items[0].ID != "a-reverse" {
			t.Fatalf("paraphrase: got %s, want a-reverse first", ids(res))
		}
		// 结账 is in a-close's title and only in the body elsewhere.
		if res := search(t, d, Query{Text: "结账"}); ids(res) != "a-close" {
			t.Errorf("结账: got %s", ids(res))
		}
		res = search(t, d, Query{Text: "renewing licenses"})
		if ids(res) != "a-license" {
			t.Fatalf("English stems: got %s", ids(res))
		}
		if got := res.Items[0].Snippet; !strings.Contains(got, "<mark>renewed</mark> <mark>license</mark>") {
			t.Errorf("snippet = %q", got)
		}
		if res := search(t, d, Query{Text: "K3 Cloud 凭证 反审核"}); len(res.Items) == 0 || res.Items[0].ID != "a-reverse" {
			t.Errorf("mixed query: got %s", ids(res))
		}
		var pasted strings.Builder
		pasted.WriteString("凭证反审核")
		for i := range 2000 {
			fmt.Fprintf(&pasted, " word%d", i)
		}
		if res := search(t, d, Query{Text: pasted.String()}); len(res.Items) == 0 || res.Items[0].ID != "a-reverse" {
			t.Errorf("a pasted page of 2,000 words: got %s", ids(res))
		}
		if res := search(t, d, Query{Text: "的 了 吗 the"}); len(res.Items) != 0 {
			t.Errorf("stop words only: got %s", ids(res))
		}
	})
}

func TestSearchFiltersAndBoost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		put(t, d, sample...)
		put(t, d,
			Doc{Type: "question", ID: "q-plain", Title: "凭证反审核", Body: "凭证反审核", Product: "k3cloud", UpdatedAt: when},
			Doc{Type: "question", ID: "q-accepted", Title: "凭证反审核", Body: "凭证反审核", Product: "k3cloud", Boost: 3, UpdatedAt: when},
			Doc{Type: "question", ID: "q-private", OrgID: "org-a", Title: "凭证反审核", Body: "凭证反审核", Product: "k3cloud", UpdatedAt: when},
		)
		res := search(t, d, Query{Text: "凭证反审核", Type: "question"})
		if ids(res) != "q-accepted,q-plain" {
			t.Errorf("boost and type filter: got %s", ids(res))
		}
		if res := search(t, d, Query{Text: "凭证反审核", Type: "question", OrgID: "org-a"}); !strings.Contains(ids(res), "q-private") {
			t.Errorf("the organisation's own document: got %s", ids(res))
		}
		if res := search(t, d, Query{Text: "license 凭证", Product: "galaxy"}); ids(res) != "a-license" {
			t.Errorf("product filter: got %s", ids(res))
		}
		if res := search(t, d, Query{Text: "凭证", Type: "article", Version: "8.0"}); ids(res) != "a-reverse,a-close" {
			t.Errorf("version 8.0 (a-close applies to every version): got %s", ids(res))
		}
		if res := search(t, d, Query{Text: "凭证", Type: "article", Version: "9._"}); ids(res) != "a-close" {
			t.Errorf("version is matched literally: got %s", ids(res))
		}
	})
}

func TestSearchPagesByCursor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var docs []Doc
		for _, id := range []string{"p1", "p2", "p3", "p4", "p5"} {
			docs = append(docs, Doc{Type: "question", ID: id, Title: "结账 " + id, Body: "结账", UpdatedAt: when})
		}
		put(t, d, docs...)
		var seen []string
		q := Query{Text: "结账", Limit: 2}
		for page := 0; ; page++ {
			res := search(t, d, q)
			seen = append(seen, ids(res))
			if res.NextCursor == "" {
				break
			}
			if page > 3 {
				t.Fatal("the cursor never ends")
			}
			q.Cursor = res.NextCursor
		}
		if got := strings.Join(seen, "|"); strings.Count(got, "p") != 5 || len(seen) != 3 {
			t.Errorf("pages = %q, want 5 documents over 3 pages", got)
		}
		if _, err := NewDBIndex(d).Search(context.Background(), Query{Text: "结账", Cursor: "x"}); !errors.Is(err, ErrBadCursor) {
			t.Errorf("bad cursor: err = %v", err)
		}
	})
}

func TestPutReplacesAndDeleteRemoves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		put(t, d, sample...)
		changed := sample[1]
		changed.Title, changed.Body = "年结操作指南", "年末结转损益"
		put(t, d, changed)
		if res := search(t, d, Query{Text: "期末结账"}); strings.Contains(ids(res), "a-close") {
			t.Errorf("old words still find the replaced document: %s", ids(res))
		}
		if res := search(t, d, Query{Text: "年结"}); ids(res) != "a-close" {
			t.Errorf("new words: got %s", ids(res))
		}
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			tx.MarkAudited()
			return NewDBIndex(d).Delete(context.Background(), tx, "article", "a-close")
		})
		if err != nil {
			t.Fatal(err)
		}
		if res := search(t, d, Query{Text: "年结"}); len(res.Items) != 0 {
			t.Errorf("deleted document still found: %s", ids(res))
		}
	})
}

func TestTwoInstancesShareTheIndex(t *testing.T) {
	dbtest.OnPostgres(t, func(t *testing.T, d *db.DB) {
		other := dbtest.Reopen(t, d)
		// Both instances write the same document at once; the upsert keeps one.
		done := make(chan error)
		go func() {
			done <- other.InTx(context.Background(), func(tx *db.Tx) error {
				tx.MarkAudited()
				return NewDBIndex(other).Put(context.Background(), tx, Doc{Type: "article", ID: "shared", Title: "补丁安装失败", Body: "first", UpdatedAt: when})
			})
		}()
		put(t, d, Doc{Type: "article", ID: "shared", Title: "补丁安装失败", Body: "second", UpdatedAt: when})
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, instance := range []*db.DB{d, other} {
			if res := search(t, instance, Query{Text: "补丁"}); ids(res) != "shared" {
				t.Errorf("got %s, want the one document written by both instances", ids(res))
			}
		}
	})
}

func TestSnippetEscapesAndMarks(t *testing.T) {
	got := Snippet(`<script>alert(1)</script> 请先反审核凭证 & "Vouchers"`, []string{"凭证", "反审核", "voucher"})
	want := `&lt;script&gt;alert(1)&lt;/script&gt; 请先<mark>反审核</mark><mark>凭证</mark> &amp; &#34;<mark>Vouchers</mark>&#34;`
	if got != want {
		t.Errorf("Snippet =\n%s\nwant\n%s", got, want)
	}
	long := strings.Repeat("无关的内容。", 40) + "这里讲期末结账。" + strings.Repeat("其他内容。", 40)
	got = Snippet(long, []string{"结账"})
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "<mark>结账</mark>") {
		t.Errorf("long text: Snippet = %q", got)
	}
}

func TestLargeIndexRanksRareTermsAnywhereAndCommonOnesInTitles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var docs []Doc
		for i := range 20 {
			docs = append(docs, Doc{Type: "article", ID: fmt.Sprint("common", i), Title: "操作说明", Body: "凭证录入以后保存", UpdatedAt: when})
		}
		docs = append(docs,
			Doc{Type: "article", ID: "rare", Title: "操作说明", Body: "凭证反审核的步骤", UpdatedAt: when},
			Doc{Type: "article", ID: "titled", Title: "凭证打印", Body: "选择打印模板", UpdatedAt: when})
		put(t, d, docs...)
		x := NewDBIndex(d)
		if res, err := x.Search(context.Background(), Query{Text: "凭证 反审核", Limit: 50}); err != nil || len(res.Items) != 22 {
			t.Fatalf("a small index ranks every match: %d hits, err %v", len(res.Items), err)
		}
		// As if the index were large: 凭证 is in most documents, beyond what a
		// search may rank anywhere, but its title matches fit.
		x.budget = 5
		res, err := x.Search(context.Background(), Query{Text: "凭证 反审核", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res); got != "rare,titled" && got != "titled,rare" {
			t.Errorf("got %s, want the document with the rare term and the one with the common term in its title", got)
		}
	})
}

func TestMinShareLeavesOutStrayCharacterMatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		put(t, d,
			Doc{Type: "question", ID: "q-points", Title: "门店收银时会员积分没有累加", Body: "会员卡刷了，积分不变。", UpdatedAt: when},
			Doc{Type: "question", ID: "q-printer", Title: "打印机卡纸怎么处理", Body: "打印到一半就卡住。", UpdatedAt: when},
		)
		// 会员, 卡, 积分, 累加: q-points holds three of them, q-printer only 卡.
		if res := search(t, d, Query{Text: "会员卡积分不累加"}); ids(res) != "q-points,q-printer" {
			t.Errorf("without MinShare: got %s", ids(res))
		}
		if res := search(t, d, Query{Text: "会员卡积分不累加", MinShare: 0.5}); ids(res) != "q-points" {
			t.Errorf("MinShare 0.5: got %s", ids(res))
		}
		if res := search(t, d, Query{Text: "打印机墨盒", MinShare: 0.5}); ids(res) != "q-printer" {
			t.Errorf("MinShare 0.5, a word of the query missing from every document: got %s", ids(res))
		}
		// The page is cut before the weak hits are left out, so the cursor still leads on.
		res := search(t, d, Query{Text: "会员卡积分不累加", Limit: 1, MinShare: 0.5})
		if ids(res) != "q-points" || res.NextCursor == "" {
			t.Errorf("first page of one: got %s, next %q", ids(res), res.NextCursor)
		}
		if res := search(t, d, Query{Text: "会员卡积分不累加", Limit: 1, MinShare: 0.5, Cursor: res.NextCursor}); ids(res) != "" || res.NextCursor != "" {
			t.Errorf("second page of one: got %q, next %q", ids(res), res.NextCursor)
		}
	})
}
