//go:build browser

package browser

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDataAccessJourney is the acceptance in the browser, on a phone,
// in both languages: a customer member uploads a file; an agent sees it in the
// console but is shown how to get a basis when opening it; the customer_admin
// grants access in the portal; the agent's download then works and the
// customer_admin sees it in the data-access log. No page scrolls sideways. It
// keeps a screenshot of the data-access page in /tmp/steward-access-LANG.png.
func TestDataAccessJourney(t *testing.T) {
	s := startSite(t)
	words := map[string]struct{ uploaded, noBasis, granted, basis string }{
		"zh-CN": {"已上传", "没有读取该数据的依据", "已授权访问", "访问授权"},
		"en":    {"Uploaded", "No basis to read this data", "Access granted", "Access grant"},
	}
	for i, l := range langs {
		t.Run(l.tag, func(t *testing.T) {
			w := words[l.tag]
			// Each language its own organisation, so that the runs do not share files or grants.
			org := []struct{ id, admin, member string }{
				{"org_demo_cloud", "admin@yunqi.demo", "member@yunqi.demo"},
				{"org_demo_perpetual", "admin@huabei.demo", "member@huabei.demo"},
			}[i]
			phone := func(email string) *tab { return s.phone(t, l.tag, email) }

			name := "月结日志-" + l.tag + ".txt"
			file := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(file, []byte("2026-11-27 ERROR 月结凭证生成失败\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			member := phone(org.member)
			member.open("/portal/files")
			run(member, "choose the file", chromedp.SetUploadFiles(`input[type="file"]`, []string{file}, chromedp.NodeReady))
			mustStatus(t, "upload", member.click(`[data-testid="file-upload"] button[type="submit"]`), 200)
			if got := member.text(`main`); !strings.Contains(got, w.uploaded) || !strings.Contains(got, name) {
				t.Fatalf("after the upload the page says %q", got)
			}
			noSideScroll(t, member)

			agent := phone("agent@steward.demo")
			agent.open("/console/orgs/" + org.id)
			mustStatus(t, "the organisation's files", agent.click(`[data-testid="org-links"] a[href$="/files"]`), 200)
			noSideScroll(t, agent)
			link := fmt.Sprintf(`[data-testid="files"] a[href^="/console/orgs/%s/files/"]`, org.id)
			mustStatus(t, "open without a basis", agent.click(link), 403)
			if got := agent.text(`[data-testid="no-basis"]`); !strings.Contains(got, w.noBasis) {
				t.Errorf("the no-basis page says %q", got)
			}
			noSideScroll(t, agent)
			agent.open("/console/orgs/" + org.id + "/files")
			href := eval[string](agent, fmt.Sprintf(`document.querySelector(%q).getAttribute("href")`, link))

			admin := phone(org.admin)
			admin.open("/portal/access")
			noSideScroll(t, admin)
			mustStatus(t, "grant", admin.click(`[data-testid="grant-create"] button[type="submit"]`), 200)
			if got := admin.text(`main`); !strings.Contains(got, w.granted) {
				t.Fatalf("after granting the page says %q", got)
			}

			// The agent downloads now (a download is not a page, so ask for it the way a link's fetch would).
			status := eval[int](agent, fmt.Sprintf(`(() => { const x = new XMLHttpRequest(); x.open("GET", %q, false); x.send(); return x.status })()`, href))
			if status != 200 {
				t.Fatalf("the agent's download with a grant: %d", status)
			}
			admin.open("/portal/access")
			log := admin.text(`[data-testid="access-log"]`)
			if !strings.Contains(log, "客服专员 李娜") || !strings.Contains(log, name) || !strings.Contains(log, w.basis) {
				t.Errorf("the access log shows %q", log)
			}
			noSideScroll(t, admin)
			shot := "/tmp/steward-access-" + l.tag + ".png"
			if err := os.WriteFile(shot, run(admin, "screenshot", chromedp.FullScreenshot(100)), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot of the portal's data-access page: %s", shot)
		})
	}
}
