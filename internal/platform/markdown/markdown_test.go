package markdown

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// The payloads people paste to run script in another reader's browser. Each
// must render to HTML with nothing executable in it (see executable).
var xssPayloads = []struct{ name, src string }{
	{"script tag", `<script>alert(1)</script>`},
	{"script tag upper case with src", `<SCRIPT SRC=//evil.example/x.js></SCRIPT>`},
	{"script tag split by another", `<scr<script>ipt>alert(1)</scr</script>ipt>`},
	{"script in a table cell", "| a | b |\n|---|---|\n| <script>alert(1)</script> | x |"},
	{"script inside svg", `<svg><script>alert(1)</script></svg>`},
	{"script after comment trick", `<!--><script>alert(1)</script>-->`},
	{"script inside textarea", `<textarea><script>alert(1)</script></textarea>`},
	{"script inside xmp", `<xmp><script>alert(1)</script></xmp>`},
	{"markdown link javascript", `[click](javascript:alert(1))`},
	{"markdown link mixed case", `[click](JaVaScRiPt:alert(1))`},
	{"markdown link entity colon", `[click](javascript&#58;alert(1))`},
	{"markdown link entity letter", `[click](&#106;avascript:alert(1))`},
	{"markdown link percent colon", `[click](javascript%3Aalert(1))`},
	{"markdown link angle destination", `[click](<javascript:alert(1)>)`},
	{"markdown reference link", "[click][1]\n\n[1]: javascript:alert(1)"},
	{"markdown autolink", `<javascript:alert(1)>`},
	{"markdown link vbscript", `[click](vbscript:msgbox(1))`},
	{"markdown link data html", `[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`},
	{"markdown link title breakout", `[click](https://ok.example "x\" onmouseover=\"alert(1))`},
	{"markdown image javascript", `![x](javascript:alert(1))`},
	{"markdown image data svg", `![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`},
	{"markdown image alt breakout", `![x" onerror="alert(1)](https://img.example/a.png)`},
	{"html link javascript", `<a href="javascript:alert(1)">x</a>`},
	{"html link tab in scheme", `<a href="jav&#x09;ascript:alert(1)">x</a>`},
	{"html link raw tab in scheme", "<a href=\"jav\tascript:alert(1)\">x</a>"},
	{"html link newline in scheme", "<a href=\"java\nscript:alert(1)\">x</a>"},
	{"html link NUL in scheme", "<a href=\"java\x00script:alert(1)\">x</a>"},
	{"html link leading control", "<a href=\"\x01javascript:alert(1)\">x</a>"},
	{"html link leading space", `<a href=" javascript:alert(1)">x</a>`},
	{"html link decimal entities", `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`},
	{"html link hex entities no semicolons", `<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>`},
	{"html link named entity colon", `<a href="javascript&colon;alert(1)">x</a>`},
	{"html link data html", `<a href="data:text/html,<script>alert(1)</script>">x</a>`},
	{"html link xlink", `<a xlink:href="javascript:alert(1)">x</a>`},
	{"html link onclick", `<a href="https://ok.example" onclick="alert(1)">x</a>`},
	{"img onerror", `<img src=x onerror=alert(1)>`},
	{"img onerror with eval", `<img src=x:alert(alt) onerror=eval(src) alt=0>`},
	{"img javascript src", `<img src="javascript:alert(1)">`},
	{"img data uri", `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">`},
	{"img data svg uri", `<img src="data:image/svg+xml,<svg onload=alert(1)>">`},
	{"img srcset javascript", `<img srcset="javascript:alert(1) 1x" src="https://img.example/a.png">`},
	{"svg onload", `<svg onload=alert(1)>`},
	{"svg animate href", `<svg><a><animate attributeName=href values=javascript:alert(1) /><text y=20>x</text></a></svg>`},
	{"math mxss", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`},
	{"noscript mxss", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`},
	{"iframe", `<iframe src="https://evil.example"></iframe>`},
	{"iframe javascript", `<iframe src="javascript:alert(1)"></iframe>`},
	{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`},
	{"object", `<object data="javascript:alert(1)"></object>`},
	{"embed", `<embed src="javascript:alert(1)">`},
	{"style tag", `<style>body{background:url("javascript:alert(1)")}</style>`},
	{"style tag import", `<style>@import "https://evil.example/x.css";</style>`},
	{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`},
	{"style attribute expression", `<div style="width: expression(alert(1))">x</div>`},
	{"form action", `<form action="javascript:alert(1)"><button>x</button></form>`},
	{"button formaction", `<button formaction="javascript:alert(1)">x</button>`},
	{"input onfocus", `<input autofocus onfocus=alert(1)>`},
	{"details ontoggle", `<details open ontoggle=alert(1)>x</details>`},
	{"div onmouseover", `<div onmouseover="alert(1)">x</div>`},
	{"body onload", `<body onload=alert(1)>`},
	{"video source onerror", `<video><source onerror=alert(1)></video>`},
	{"audio src", `<audio src=x onerror=alert(1)>`},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
	{"base href", `<base href="javascript:alert(1)//">`},
	{"link stylesheet", `<link rel=stylesheet href="https://evil.example/x.css">`},
	{"blockquote cite", `<blockquote cite="javascript:alert(1)">x</blockquote>`},
	{"template", `<template><img src=x onerror=alert(1)></template>`},
	{"event attribute without quotes or spaces", `<img/src=x/onerror=alert(1)>`},
	{"attribute with backtick", "<img src=`x`onerror=alert(1)>"},
	{"markdown emphasis around html", `**<img src=x onerror=alert(1)>**`},
	{"html in heading", `# <img src=x onerror=alert(1)>`},
	{"html in list", "- <script>alert(1)</script>\n- [x] <svg onload=alert(1)>"},
}

func TestRenderRemovesExecutableContent(t *testing.T) {
	for _, tc := range xssPayloads {
		t.Run(tc.name, func(t *testing.T) {
			out := string(Render(tc.src))
			for _, p := range executable(out) {
				t.Errorf("Render(%q) = %q: %s", tc.src, out, p)
			}
		})
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the output
		notWant   []string
	}{
		{"chinese strong before full stop", "**中文**。", []string{"<p><strong>中文</strong>。</p>"}, nil},
		{"chinese strong inside a sentence", "这是**重要**的通知", []string{"这是<strong>重要</strong>的通知"}, nil},
		{"chinese emphasis", "请*注意*：", []string{"请<em>注意</em>："}, nil},
		{"chinese line break joins without a space", "第一行\n第二行", []string{"<p>第一行第二行</p>"}, nil},
		{"english line break keeps a break", "first\nsecond", []string{"first\nsecond"}, nil},
		{"strikethrough", "~~旧价格~~", []string{"<del>旧价格</del>"}, nil},
		{"table", "| 服务 | 次数 |\n|:--|--:|\n| 紧急救援 | 4 |",
			[]string{"<table>", `<th align="left">服务</th>`, `<td align="right">4</td>`}, nil},
		{"code block escapes", "```go\nif a < b && c > d {\n\t<script>x()</script>\n}\n```",
			[]string{`<pre><code class="language-go">`, "if a &lt; b &amp;&amp; c &gt; d {", "&lt;script&gt;x()&lt;/script&gt;"}, []string{"<script"}},
		{"inline code escapes", "用 `<b>` 加粗", []string{"<code>&lt;b&gt;</code>"}, nil},
		{"link gets rel", "[帮助中心](https://help.example.com/a?b=1&c=2)",
			[]string{`<a href="https://help.example.com/a?b=1&amp;c=2" rel="nofollow noopener">帮助中心</a>`}, nil},
		{"relative link kept", "[补丁](/patches/p_1)", []string{`<a href="/patches/p_1" rel="nofollow noopener">补丁</a>`}, nil},
		{"mailto kept", "[邮件](mailto:support@example.com)", []string{`href="mailto:support@example.com"`}, nil},
		{"linkify", "请访问 https://example.com/docs。谢谢",
			[]string{`<a href="https://example.com/docs" rel="nofollow noopener">https://example.com/docs</a>。谢谢`}, nil},
		{"raw html link gets nofollow", `<a href="https://example.com">x</a>`, []string{`rel="nofollow"`}, nil},
		{"image", "![架构图](https://img.example/a.png)", []string{`<img src="https://img.example/a.png" alt="架构图">`}, nil},
		{"heading ids keep chinese", "## 安装步骤\n\n## Install steps\n\n## 安装步骤",
			[]string{`<h2 id="h-安装步骤">`, `<h2 id="h-install-steps">`, `<h2 id="h-安装步骤-1">`}, nil},
		{"task list", "- [x] 备份数据\n- [ ] 升级",
			[]string{`<input checked="" disabled="" type="checkbox"> 备份数据`, `<input disabled="" type="checkbox"> 升级`}, nil},
		{"safe raw html stays", "<details><summary>更多</summary>内容</details>", []string{"<details><summary>更多</summary>内容</details>"}, nil},
		{"empty", "", nil, []string{"<"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := string(Render(tc.src))
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", tc.src, out, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("Render(%q) = %q, want no %q", tc.src, out, w)
				}
			}
			for _, p := range executable(out) {
				t.Errorf("Render(%q) = %q: %s", tc.src, out, p)
			}
		})
	}
}

// TestRenderInvalidUTF8 is the input FuzzRender found that made goldmark
// v1.8.7 panic (util.ToRune, reached through the CJK soft line break): a
// text of only UTF-8 continuation bytes before a line break.
func TestRenderInvalidUTF8(t *testing.T) {
	for _, src := range []string{"0000*\xad\n0", "\x80\x80\nb\n", "中\xe4\xb8\n文"} {
		out, err := New().render(src)
		if err != nil {
			t.Errorf("render(%q): %v", src, err)
			continue
		}
		if !utf8.ValidString(string(out)) || !strings.Contains(string(out), "\uFFFD") {
			t.Errorf("render(%q) = %q, want valid UTF-8 with U+FFFD for the invalid bytes", src, out)
		}
	}
}

// TestRenderConcurrently shares one renderer between goroutines (run with -race).
func TestRenderConcurrently(t *testing.T) {
	r := New()
	src := "# 标题\n\n**中文**。[链接](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	want := r.Render(src)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := r.Render(src); got != want {
					t.Errorf("concurrent Render = %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

var (
	// tagAt matches one tag as the sanitiser writes them: attribute values
	// always double-quoted, with < > " & escaped inside.
	tagAt = regexp.MustCompile(`^<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s"'<>/=]+(?:="[^"<>]*")?)*)\s*/?>`)
	attrs = regexp.MustCompile(`([^\s"'<>/=]+)(?:="([^"]*)")?`)
	// scheme is a URL's scheme, after removing what browsers ignore in one.
	scheme = regexp.MustCompile(`^([a-z][a-z0-9+.-]*):`)
)

// Elements that run script, load active content or restyle the page.
var dangerousElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "style": true, "link": true, "meta": true, "base": true, "svg": true, "math": true,
	"form": true, "button": true, "textarea": true, "select": true, "template": true, "noscript": true,
	"xmp": true, "animate": true, "set": true, "portal": true, "body": true, "html": true, "head": true,
}

// Attributes that hold a URL a browser follows or loads.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "srcset": true, "action": true, "formaction": true, "cite": true,
	"poster": true, "background": true, "data": true, "codebase": true, "xlink:href": true,
	"longdesc": true, "dynsrc": true, "lowsrc": true, "ping": true, "manifest": true,
}

// executable returns what in out could run script or load something active:
// a dangerous element, an event handler or style attribute, a URL whose
// scheme is not http, https or mailto (after decoding entities and removing
// the whitespace and control characters browsers skip), or a "<" that does
// not start a well-formed tag (markup the checks above could not see).
func executable(out string) []string {
	var problems []string
	if strings.Contains(strings.ToLower(out), "<script") {
		problems = append(problems, "contains <script")
	}
	for i := 0; i < len(out); i++ {
		if out[i] != '<' {
			continue
		}
		m := tagAt.FindStringSubmatch(out[i:])
		if m == nil {
			problems = append(problems, fmt.Sprintf("a < at byte %d starts no well-formed tag", i))
			continue
		}
		name := strings.ToLower(m[2])
		if dangerousElements[name] {
			problems = append(problems, "element <"+name+">")
		}
		for _, a := range attrs.FindAllStringSubmatch(m[3], -1) {
			key, value := strings.ToLower(a[1]), html.UnescapeString(a[2])
			switch {
			case strings.HasPrefix(key, "on"):
				problems = append(problems, "event attribute "+key+" on <"+name+">")
			case key == "style":
				problems = append(problems, "style attribute on <"+name+">")
			case urlAttributes[key]:
				for _, u := range urlsOf(key, value) {
					if s := scheme.FindStringSubmatch(u); s != nil && s[1] != "http" && s[1] != "https" && s[1] != "mailto" {
						problems = append(problems, fmt.Sprintf("%s=%q on <%s> has scheme %s", key, value, name, s[1]))
					}
				}
			}
		}
		i += len(m[0]) - 1
	}
	return problems
}

// urlsOf returns the URLs of an attribute value, normalised as a browser
// reads a scheme: without whitespace or control characters, lower case.
func urlsOf(key, value string) []string {
	parts := []string{value}
	if key == "srcset" || key == "ping" {
		parts = strings.FieldsFunc(value, func(r rune) bool { return r == ',' })
	}
	var out []string
	for _, p := range parts {
		if key == "srcset" {
			if f := strings.Fields(p); len(f) > 0 {
				p = f[0]
			}
		}
		p = strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f {
				return -1
			}
			return r
		}, p)
		out = append(out, strings.ToLower(p))
	}
	return out
}

// TestExecutableCatchesUnsafeHTML keeps the checker honest: unsanitised
// payloads must be flagged, so a sanitiser that let them through would fail.
func TestExecutableCatchesUnsafeHTML(t *testing.T) {
	for _, unsafe := range []string{
		`<script>alert(1)</script>`,
		`<img src="x" onerror="alert(1)">`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<img src="data:image/svg+xml,x">`,
		`<iframe src="https://evil.example"></iframe>`,
		`<p style="color:red">x</p>`,
		`<svg onload=alert(1)>`,
		`<img src=x onerror=alert(1)>`,
	} {
		if len(executable(unsafe)) == 0 {
			t.Errorf("executable(%q) found nothing", unsafe)
		}
	}
	for _, safe := range []string{
		`<p>a &lt; b</p>`,
		`<a href="https://example.com" rel="nofollow noopener">x</a>`,
		`<a href="/relative/path?x=1&amp;y=2">x</a>`,
		`<p>text mentioning onclick= and javascript: as words</p>`,
		`<input checked="" disabled="" type="checkbox"/>`,
	} {
		if p := executable(safe); len(p) != 0 {
			t.Errorf("executable(%q) = %q, want nothing", safe, p)
		}
	}
}

func TestTextDropsMarkupAndKeepsWords(t *testing.T) {
	got := Text("## 结账\n\n先**反过账**，再点 [结账](https://example.com/x) & 保存 <script>alert(1)</script>")
	for _, want := range []string{"结账", "先", "反过账", "再点", "& 保存"} {
		if !strings.Contains(got, want) {
			t.Errorf("Text = %q, want it to hold %q", got, want)
		}
	}
	for _, unwanted := range []string{"<", "**", "##", "https://", "alert"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("Text = %q, still holds %q", got, unwanted)
		}
	}
}
