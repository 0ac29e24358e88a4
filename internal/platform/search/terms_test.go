package search

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTermsChineseKeepsProductWords(t *testing.T) {
	got := Terms("金蝶云星空的凭证怎么反审核？期末结账后还能改吗")
	for _, want := range []string{"金蝶云星空", "凭证", "反审核", "期末", "结账"} {
		if !slices.Contains(got, want) {
			t.Errorf("Terms lacks %q: %q", want, got)
		}
	}
	for _, stop := range []string{"的", "怎么", "吗"} {
		if slices.Contains(got, stop) {
			t.Errorf("Terms keeps the stop word %q: %q", stop, got)
		}
	}
}

func TestTermsLongWordAlsoYieldsItsParts(t *testing.T) {
	got := Terms("增值税专用发票")
	for _, want := range []string{"增值税专用发票", "增值税", "发票"} {
		if !slices.Contains(got, want) {
			t.Errorf("Terms(增值税专用发票) lacks %q: %q", want, got)
		}
	}
}

func TestTermsEnglishLowercasedAndStemmed(t *testing.T) {
	got := Terms("Reversing the Vouchers, and reversed voucher!")
	want := []string{"revers", "voucher", "revers", "voucher"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
}

func TestTermsMixedQueryHasBothKinds(t *testing.T) {
	got := Terms("K3 Cloud 凭证 反审核")
	for _, want := range []string{"k3", "cloud", "凭证", "反审核"} {
		if !slices.Contains(got, want) {
			t.Errorf("Terms lacks %q: %q", want, got)
		}
	}
	if full := Terms("Ｋ３ Ｃｌｏｕｄ"); !slices.Equal(full, []string{"k3", "cloud"}) {
		t.Errorf("full-width letters: Terms = %q", full)
	}
}

func TestQueryTermsAddSynonyms(t *testing.T) {
	got := QueryTerms("怎么取消审核 License")
	for _, want := range []string{"取消", "审核", "反审核", "licens", "许可"} {
		if !slices.Contains(got, want) {
			t.Errorf("QueryTerms lacks %q: %q", want, got)
		}
	}
	if got := QueryTerms("dispatch 凭证"); slices.Contains(got, "补丁") {
		t.Errorf("an English phrase matched inside a word: %q", got)
	}
	if got := QueryTerms("凭证 凭证"); !slices.Equal(got, []string{"凭证"}) {
		t.Errorf("QueryTerms repeats terms: %q", got)
	}
}

func TestTermsFromManyGoroutines(t *testing.T) {
	const text = "金蝶云星空 K3 Cloud 期末结账前要先做存货核算，出库成本算完再结转损益。"
	want := Terms(text)
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			got := Terms(text)
			if !slices.Equal(got, want) {
				errs <- fmt.Sprintf("%q", got)
				return
			}
			errs <- ""
		}()
	}
	for range 8 {
		if got := <-errs; got != "" {
			t.Errorf("concurrent Terms = %s, want %q", got, want)
		}
	}
}

func FuzzTerms(f *testing.F) {
	for _, s := range []string{"", "K3 Cloud 凭证 反审核", "增值税专用发票", "ＡＢＣ１２３", "\xff\xfe凭", "a-b_c.d", "🙂结账🙂"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms := Terms(text)
		for _, term := range terms {
			if term == "" || strings.ContainsAny(term, " \t\n\"'") || !utf8.ValidString(term) {
				t.Fatalf("Terms(%q) has the bad term %q", text, term)
			}
		}
		if again := Terms(text); !slices.Equal(terms, again) {
			t.Fatalf("Terms(%q) differs between calls: %q then %q", text, terms, again)
		}
		for _, term := range QueryTerms(text) {
			if term == "" || strings.ContainsAny(term, " \t\n\"'") {
				t.Fatalf("QueryTerms(%q) has the bad term %q", text, term)
			}
		}
	})
}

func TestQueryTermsFindWordsAcrossAMisCut(t *testing.T) {
	// The dictionary cuts 科目录 as 科 + 目录; the query also looks for 科目,
	// which is what the person meant and what documents about it hold.
	if got := QueryTerms("科目录错了"); !slices.Contains(got, "科目") {
		t.Errorf("QueryTerms lacks 科目: %q", got)
	}
	// A synonym adds its phrases' words, not their single characters.
	got := QueryTerms("冲红以后")
	if !slices.Contains(got, "红字发票") {
		t.Errorf("QueryTerms lacks the synonym 红字发票: %q", got)
	}
	for _, noise := range []string{"开", "红", "票"} {
		if slices.Contains(got, noise) {
			t.Errorf("QueryTerms adds the single character %q of a synonym: %q", noise, got)
		}
	}
}
