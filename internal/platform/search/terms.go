// Package search turns Chinese and English text into search terms and keeps a
// full-text index of documents in the application's own database (SQLite FTS5
// or PostgreSQL tsvector), so that every instance sees every write at once.
package search

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"github.com/kljensen/snowball/english"
)

// The Chinese dictionary is the 60,000 most frequent words of gse's simplified
// dictionary (sort -k2,2nr s_1.txt | head -60000; the full one costs 2.1 s and
// ~190 MiB of heap to load) plus the vendor's own terms, which must win over a
// split into common words.
var (
	//go:embed dict/zh_common.txt
	commonWords string
	//go:embed dict/erp_terms.txt
	productTerms string
	//go:embed dict/synonyms.txt
	synonymGroups string
)

// segmenter loads the dictionary on first use, off the start-up path; a gse
// Segmenter only reads its dictionary once loaded, so one serves every caller.
var segmenter = sync.OnceValue(loadSegmenter)

func loadSegmenter() *gse.Segmenter {
	seg := &gse.Segmenter{SkipLog: true}
	var dict strings.Builder
	dict.WriteString(commonWords)
	for line := range strings.Lines(productTerms) {
		if !strings.HasPrefix(line, "#") {
			dict.WriteString(line)
		}
	}
	if err := seg.LoadDictStr(dict.String()); err != nil {
		// The dictionary is part of the binary: failing to load it is a bug.
		panic("search: load the embedded dictionary: " + err.Error())
	}
	return seg
}

// Warm loads the dictionary now, for a caller that would rather pay its cost
// before the first search than during it.
func Warm() { segmenter() }

// Terms returns the search terms of text, in order, repeated as often as they
// occur: Chinese is segmented into words (and the dictionary words inside long
// ones, so a query for a part finds the whole), Latin letters and digits are
// lowercased, split on anything else and stemmed, and stop words are left out.
// The same function serves indexing and querying, so both sides agree.
func Terms(text string) []string {
	var terms []string
	forEachRun(text, func(run string, han bool) {
		if han {
			terms = appendChinese(terms, segmenter().CutSearch(run, false))
			return
		}
		if englishStopWords[run] {
			return
		}
		terms = append(terms, stem(run))
	})
	return terms
}

// appendChinese appends the segmented words that are not stop words, and a
// pair of each two single characters in a row: a word the dictionary lacks (a
// new abbreviation, a customer's jargon) falls apart into characters, and the
// pair keeps it findable as a unit, on both the indexing and the query side.
func appendChinese(terms, words []string) []string {
	single := func(w string) bool { return utf8.RuneCountInString(w) == 1 && !chineseStopWords[w] }
	for i, w := range words {
		if w == "" || chineseStopWords[w] {
			continue
		}
		terms = append(terms, w)
		if i+1 < len(words) && single(w) && single(words[i+1]) {
			terms = append(terms, w+words[i+1])
		}
	}
	return terms
}

// synonym is one phrase of dict/synonyms.txt with the terms of its whole group.
type synonym struct {
	phrase string // lowercased
	latin  bool   // matched as whole words, not as a substring
	group  []string
}

var synonyms = sync.OnceValue(func() []synonym {
	var all []synonym
	for line := range strings.Lines(synonymGroups) {
		phrases := strings.Fields(line)
		if len(phrases) == 0 || strings.HasPrefix(phrases[0], "#") {
			continue
		}
		var group []string
		for _, p := range phrases {
			group = append(group, phraseTerms(p)...)
		}
		for _, p := range phrases {
			latin := !strings.ContainsFunc(p, func(r rune) bool { return unicode.Is(unicode.Han, r) })
			all = append(all, synonym{phrase: strings.ToLower(p), latin: latin, group: group})
		}
	}
	return all
})

// phraseTerms are the terms that find a synonym's phrase: its words as the
// dictionary cuts it, without the smaller words inside them or stray single
// characters, which would match much that has nothing to do with it (开红票
// adds 红票, not 开, 红 and 票).
func phraseTerms(phrase string) []string {
	var terms []string
	forEachRun(phrase, func(run string, han bool) {
		if !han {
			terms = append(terms, stem(run))
			return
		}
		words := segmenter().Cut(run, false)
		for _, w := range words {
			if !chineseStopWords[w] && (len(words) == 1 || utf8.RuneCountInString(w) > 1) {
				terms = append(terms, w)
			}
		}
	})
	return terms
}

// QueryTerms are the terms to search for: those of text, each once, plus the
// terms of every synonym group one of whose phrases text contains (Chinese as
// a substring, English as words), so that 取消审核 also finds 反审核.
func QueryTerms(text string) []string {
	terms := Terms(text)
	own := slices.Clone(terms)
	forEachRun(text, func(run string, han bool) {
		if han {
			for _, w := range segmenter().CutAll(run) {
				if utf8.RuneCountInString(w) > 1 && !chineseStopWords[w] {
					terms = append(terms, w)
				}
			}
		}
	})
	lower := strings.ToLower(text)
	for _, s := range synonyms() {
		if s.latin && slices.Contains(own, stem(s.phrase)) || !s.latin && strings.Contains(lower, s.phrase) {
			terms = append(terms, s.group...)
		}
	}
	var unique []string
	for _, t := range terms {
		if !slices.Contains(unique, t) {
			unique = append(unique, t)
		}
	}
	return unique
}

// forEachRun calls fn with each maximal run of Han characters and each
// lowercased run of other letters and digits; everything else separates runs.
func forEachRun(text string, fn func(run string, han bool)) {
	var run strings.Builder
	inHan := false
	flush := func() {
		if run.Len() > 0 {
			fn(run.String(), inHan)
			run.Reset()
		}
	}
	for _, r := range strings.ToValidUTF8(text, "") {
		r = narrow(r)
		switch {
		case unicode.Is(unicode.Han, r):
			if !inHan {
				flush()
				inHan = true
			}
			run.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if inHan {
				flush()
				inHan = false
			}
			run.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
}

// narrow maps full-width ASCII (Ｋ３, typed with a Chinese input method) to
// its ordinary form.
func narrow(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFF01 + '!'
	}
	return r
}

// stem reduces an English word to its stem ("vouchers", "vouchered" → "voucher");
// words with digits or non-ASCII letters (k3, 9.0's pieces) are kept as they are.
func stem(word string) string {
	for i := 0; i < len(word); i++ {
		if word[i] < 'a' || word[i] > 'z' {
			return word
		}
	}
	if s := english.Stem(word, false); s != "" {
		return s
	}
	return word
}

// Short stop-word lists: words so common in questions that they say nothing
// about which document is meant. Kept short on purpose: a word left in costs a
// little ranking, a word wrongly dropped loses a match.
var englishStopWords = setOf(`a an and are as at be but by can do does for from how i in is it my of on or
	our so that the this to was we what when where which who why will with you your`)

var chineseStopWords = setOf(`的 了 是 在 和 与 或 就 都 也 还 又 吗 呢 吧 啊 呀 哦 嘛 么 着 过 把 被 让 给 对 从 向
	我 我们 你 你们 他 她 它 他们 这 那 这个 那个 这些 那些 什么 怎么 怎样 怎么办 如何 为什么 为何 哪 哪里 哪个
	一个 一下 有 没有 没 不 能 能否 可以 可否 是否 要 需要 想 请问 请 谢谢 大家 各位 一直 总是 时候 时 后 之前 之后 以前 以后
	里 中 上 下 个 及 等 而 但 但是 如果 因为 所以 然后 现在 已经 出现 问题 一些 有没有 会 该
	咋 咋办 咋弄 怎么弄 怎么样 怎么回事 会不会 能不能 是不是 要不要 哪些 什么样 请教 求助 在线等 麻烦
	帮忙 问下 问一下`)

func setOf(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}
