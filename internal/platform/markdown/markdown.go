// Package markdown turns the Markdown people write (help-center articles,
// questions and answers, ideas, announcements) into HTML that is safe to put
// in a page. goldmark parses CommonMark with GitHub's tables, strikethrough,
// autolinks and task lists, plus its CJK extension so that Chinese text
// breaks and emphasises as a Chinese reader expects; bluemonday's UGC policy
// then sanitises the result, raw HTML included, so nothing executable reaches
// a browser.
package markdown

import (
	"bytes"
	"fmt"
	stdhtml "html"
	"html/template"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer converts Markdown to sanitised HTML. Build it once with New; it is
// safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// LinkRel is the rel attribute of every link written in Markdown. Links in
// raw HTML get at least nofollow.
const LinkRel = "nofollow noopener"

// New returns a renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.CJK,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(linkRel{}, 500)),
		),
		goldmark.WithRendererOptions(
			// Raw HTML goes through to the sanitiser, which keeps the safe part.
			html.WithUnsafe(),
		),
	)
	return &Renderer{md: md, policy: newPolicy()}
}

// newPolicy is bluemonday's policy for user-generated content, plus what the
// Markdown above produces: task-list checkboxes, code languages, and rel on
// links.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^(nofollow|noopener|noreferrer)( (nofollow|noopener|noreferrer))*$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]+$`)).OnElements("code")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	return p
}

// Render converts src to sanitised HTML. Should the Markdown parser ever fail,
// the text is shown escaped in one paragraph rather than lost.
func (r *Renderer) Render(src string) template.HTML {
	out, err := r.render(src)
	if err != nil {
		slog.Error("markdown: render failed; showing the text escaped", "err", err)
		return template.HTML("<p>" + template.HTMLEscapeString(strings.ToValidUTF8(src, "\uFFFD")) + "</p>")
	}
	return out
}

// render is Render with the parser's failures (panics included) as errors.
func (r *Renderer) render(src string) (_ template.HTML, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("goldmark panicked: %v", v)
		}
	}()
	// goldmark v1.8.7 panics on some invalid UTF-8 (util.ToRune walks back
	// past a text that is only continuation bytes when the CJK extension
	// decides a soft line break); invalid bytes show as U+FFFD anyway.
	src = strings.ToValidUTF8(src, "\uFFFD")
	var buf bytes.Buffer
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{used: map[string]bool{}}))
	if err := r.md.Convert([]byte(src), &buf, parser.WithContext(ctx)); err != nil {
		return "", err
	}
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes())), nil
}

var defaultRenderer = sync.OnceValue(New)

// Render converts src to sanitised HTML with a shared renderer.
func Render(src string) template.HTML { return defaultRenderer().Render(src) }

// linkRel puts rel="nofollow noopener" on every Markdown link and autolink.
type linkRel struct{}

func (linkRel) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.Kind() {
			case ast.KindLink, ast.KindAutoLink:
				n.SetAttributeString("rel", []byte(LinkRel))
			}
		}
		return ast.WalkContinue, nil
	})
}

// headingIDs gives headings ids made of their words, Chinese included
// (goldmark's own ids keep only ASCII, so every Chinese heading would be
// "heading"), prefixed with "h-" so they never collide with the ids of the
// page around them.
type headingIDs struct{ used map[string]bool }

func (s *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	var b strings.Builder
	b.WriteString("h-")
	dash := true
	for _, r := range string(value) {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		case !dash && (unicode.IsSpace(r) || r == '-' || r == '_'):
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.TrimSuffix(b.String(), "-")
	if id == "h" {
		id = "h-section"
	}
	for i, base := 1, id; s.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *headingIDs) Put(value []byte) { s.used[string(value)] = true }

var htmlTags = regexp.MustCompile(`<[^>]*>`)

// Text is what a Markdown source says without its markup, as plain text
// (for a search index, whose snippets escape it again).
func Text(src string) string {
	return strings.TrimSpace(stdhtml.UnescapeString(htmlTags.ReplaceAllString(string(Render(src)), " ")))
}
