//go:build browser

package browser

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestIdeasJourney is issue 9's acceptance in the browser: on a phone, a
// customer posts an idea on the Innovation Square; a customer of another
// organisation starts typing the same wish on the form, sees the idea in the
// similar box without a reload, opens it and votes instead of posting; the
// product manager moves it to planned and then to shipped in a demo patch,
// each with its explanation; both customers find both changes in their
// notice inbox, and the idea's page says where it shipped.
// It runs on SQLite and on PostgreSQL.
func TestIdeasJourney(t *testing.T) {
	t.Parallel()
	eachDatabase(t, ideasJourney)
}

func ideasJourney(t *testing.T, s *site) {
	const (
		title     = "应收单支持按客户批量打印并合并成一个 PDF"
		duplicate = "应收单按客户批量打印"
		patch     = "PT-2026-0201"
	)

	// The first customer posts from the square, on a phone.
	yunqi := s.phone(t, "zh-CN", "admin@yunqi.demo")
	if got := yunqi.text(`nav a[href="/ideas"]`); got != "创新广场" {
		t.Errorf("the portal menu says %q for the square", got)
	}
	mustStatus(t, "square", yunqi.click(`nav a[href="/ideas"]`), 200)
	noSideScroll(t, yunqi)
	mustStatus(t, "new idea", yunqi.click(`[data-testid="new-idea"]`), 200)
	yunqi.typeInto(`#idea-title`, title)
	yunqi.typeInto(`#idea-body`, "月底要给每个客户寄对账，现在只能**一张一张**打印应收单。希望能按客户勾选后一次打印，并合并成一个 PDF。")
	run(yunqi, "tick a module", chromedp.Click(`input[name="modules"][value="ar"]`, chromedp.NodeVisible))
	noSideScroll(t, yunqi)
	mustStatus(t, "post the idea", yunqi.click(`[data-testid="idea-submit"]`), 200)
	page := yunqi.path()
	if !strings.HasPrefix(page, "/ideas/idea_") || !strings.Contains(yunqi.text("main"), "需求已提交") {
		t.Fatalf("after posting, %s says %q", page, yunqi.text("main"))
	}
	if got := yunqi.text(`[data-testid="vote-count"]`); got != "1" {
		t.Errorf("the new idea counts %q votes, want the author's own", got)
	}
	noSideScroll(t, yunqi)

	// The second customer starts typing the same wish and votes instead.
	gangxin := s.newTab(t)
	gangxin.openInLang("/login", "zh-CN")
	gangxin.login("admin@gangxin.demo", demoPassword)
	mustStatus(t, "the form", gangxin.open("/ideas/new"), 200)
	eval[bool](gangxin, `window.sameDocument = true`)
	gangxin.typeInto(`#idea-title`, duplicate)
	gangxin.waitUntil("the similar box finds the idea", fmt.Sprintf(`document.querySelector('#similar')?.dataset.title === %q && `+
		`document.querySelector('#similar a[href=%q]') !== null`, duplicate, page))
	if !eval[bool](gangxin, `window.sameDocument === true`) {
		t.Errorf("typing the title reloaded the page")
	}
	if got := gangxin.text(`[data-testid="similar-idea"]`); !strings.Contains(got, title) || !strings.Contains(got, "1 票") {
		t.Errorf("the similar idea reads %q", got)
	}
	mustStatus(t, "open the similar idea", gangxin.click(fmt.Sprintf(`#similar a[href=%q]`, page)), 200)
	run(gangxin, "vote", chromedp.Click(`[data-testid="vote"]`, chromedp.NodeVisible))
	gangxin.waitUntil("the vote counts", `document.querySelector('[data-testid="vote-count"]')?.textContent === '2' && `+
		`document.querySelector('[data-testid="unvote"]') !== null`)

	// The product manager plans it, then ships it in a patch.
	pm := s.newTab(t)
	pm.openInLang("/login", "zh-CN")
	pm.login("pm@steward.demo", demoPassword)
	mustStatus(t, "console", pm.click(`nav a[href="/console/ideas"]`), 200)
	mustStatus(t, "the idea in the console", pm.click(fmt.Sprintf(`[data-testid="console-ideas"] a[href=%q]`, "/console"+page)), 200)
	if got := pm.text(`[data-testid="demand"] h2`); !strings.Contains(got, "2 家") {
		t.Errorf("the demand says %q, want two organisations", got)
	}
	answer := func(status, explanation, shippedIn string) {
		t.Helper()
		setValue(pm, `[data-testid="status-form"] select[name="status"]`, status)
		setValue(pm, `[data-testid="status-form"] textarea[name="explanation"]`, "")
		pm.typeInto(`[data-testid="status-form"] textarea[name="explanation"]`, explanation)
		setValue(pm, `[data-testid="status-form"] input[name="shipped_in"]`, "")
		if shippedIn != "" {
			pm.typeInto(`[data-testid="status-form"] input[name="shipped_in"]`, shippedIn)
		}
		mustStatus(t, "status "+status, pm.click(`[data-testid="status-submit"]`), 200)
		if got := pm.text("main"); !strings.Contains(got, "状态已更新") {
			t.Errorf("after moving to %s the console says %q", status, got)
		}
	}
	answer("planned", "排进下一个补丁，预计两周内发布。", "")
	answer("shipped", "已在补丁 "+patch+" 中提供：安装后在应收单列表勾选客户，点【合并打印】。", patch)

	// Both customers find both changes in their inbox, and the page says where it shipped.
	for who, p := range map[string]*tab{"admin@yunqi.demo": yunqi, "admin@gangxin.demo": gangxin} {
		mustStatus(t, who+"'s inbox", p.click(`[data-testid="inbox"]`), 200)
		notices := eval[[]string](p, `[...document.querySelectorAll('[data-testid="notice"]')].map(n => n.innerText)`)
		var about []string
		for _, n := range notices {
			if strings.Contains(n, title) {
				about = append(about, n)
			}
		}
		if len(about) != 2 || !strings.Contains(strings.Join(about, "\n"), patch) {
			t.Errorf("%s's inbox holds %d notices about the idea, want the two changes, the last naming %s: %q", who, len(about), patch, about)
		}
	}
	noSideScroll(t, yunqi)
	mustStatus(t, "the shipped idea", yunqi.open(page), 200)
	if got := yunqi.text(`[data-testid="shipped"]`); got != "已发布于 补丁 "+patch {
		t.Errorf("the shipped idea says %q", got)
	}
	if got := eval[string](yunqi, `document.querySelector('[data-testid="shipped-in"]').getAttribute('href')`); got != "/patches/k3cloud/"+patch {
		t.Errorf("the patch link leads to %q", got)
	}
	if got := yunqi.text(`[data-testid="history"]`); !strings.Contains(got, "排进下一个补丁") || !strings.Contains(got, "合并打印") {
		t.Errorf("the history reads %q", got)
	}
	noSideScroll(t, yunqi)
	shot := "/tmp/steward-ideas-phone.png"
	if err := os.WriteFile(shot, run(yunqi, "screenshot", chromedp.FullScreenshot(100)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the shipped idea on a phone: %s", shot)
}
