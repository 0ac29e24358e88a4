//go:build browser

package browser

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"steward.dev/steward/internal/platform/clock"
)

// TestPatchJourney is issue 5's pages in the browser, in both languages: the
// product manager creates a draft, uploads a file while the page shows the
// upload's progress up to 100 %, and publishes it; an entitled customer
// (yunqi, 9.0 on public cloud) finds it in the patch center with its plan
// and downloads exactly the uploaded bytes; the perpetual customer, whose 8.0
// license ended its services with 8.0's standard service on 2026-12-31, sees
// the patch but, instead of download buttons, the reason in words. The
// server's clock stands at 2027-01-04 in Beijing. Customers' pages are
// checked on a phone for sideways scrolling; a screenshot of the patch
// center is kept in /tmp/steward-patches-LANG.png.
func TestPatchJourney(t *testing.T) {
	s := startSiteAt(t, clock.NewManual(time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC)))
	words := map[string]struct{ menu, created, published, center, planFor, refusal, upgrade string }{
		"zh-CN": {"补丁中心", "草稿已创建", "补丁已发布", "补丁中心", "k3cloud 9.0 的安装步骤", "贵单位目前不能下载本产品的补丁", "升级到仍在标准服务期内的版本"},
		"en":    {"Patch center", "The draft was created", "The patch is published", "Patch center", "Steps for k3cloud 9.0", "cannot download this product's patches", "Upgrade to a version still in standard service"},
	}
	for _, l := range langs {
		t.Run(l.tag, func(t *testing.T) {
			t.Parallel()
			w := words[l.tag]
			number := "PT-BROWSER-" + strings.ToUpper(l.tag[:2])
			content := make([]byte, 3<<20)
			rand.Read(content)
			sum := sha256.Sum256(content)
			name := "fix-" + l.tag + ".bin"
			file := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(file, content, 0o644); err != nil {
				t.Fatal(err)
			}

			pm := s.newTab(t)
			pm.openInLang("/login", l.tag)
			pm.login("pm@steward.demo", demoPassword)
			mustStatus(t, "console patches", pm.click(`nav a[href="/console/patches"]`), 200)
			pm.typeInto(`[data-testid="patch-create"] input[name="number"]`, number)
			pm.typeInto(`[data-testid="patch-create"] input[name="product"]`, "k3cloud")
			pm.typeInto(`[data-testid="patch-create"] input[name="applies_to"]`, ">=8.0")
			pm.typeInto(`[data-testid="patch-create"] input[name="title_zh"]`, "修复月结凭证")
			pm.typeInto(`[data-testid="patch-create"] input[name="title_en"]`, "Fix month-end vouchers")
			pm.typeInto(`[data-testid="patch-create"] textarea[name="notes_zh"]`, "修复了**月结**凭证生成失败。")
			pm.typeInto(`[data-testid="patch-create"] textarea[name="notes_en"]`, "Fixes **month-end** voucher generation.")
			mustStatus(t, "create the draft", pm.click(`[data-testid="patch-create"] button[type="submit"]`), 200)
			if got := pm.text(`main`); !strings.Contains(got, w.created) || !strings.HasPrefix(pm.path(), "/console/patches/pat_") {
				t.Fatalf("after creating, %s says %q", pm.path(), got)
			}

			// The upload goes through the API's PUT with the session; the
			// page shows its progress.
			run(pm, "choose the file", chromedp.SetUploadFiles(`[data-testid="patch-upload"] input[type="file"]`, []string{file}, chromedp.NodeReady))
			run(pm, "upload", chromedp.Click(`[data-testid="patch-upload"] button[type="submit"]`, chromedp.NodeVisible))
			run(pm, "progress reaches 100 %", chromedp.Poll[bool](`document.querySelector('[data-testid="upload-percent"]')?.textContent === "100 %"`,
				chromedp.WithPollingInterval(10*time.Millisecond)))
			// The script then reloads the page; read the row only once the
			// reloaded page has it, or the read races the navigation.
			row := `[data-testid="files"] tr[data-file="` + name + `"]`
			pm.waitUntil("the reloaded page lists the file", `location.search.includes("done=uploaded") && document.readyState === "complete" && document.querySelector('`+row+`') !== null`)
			if got := pm.text(row); !strings.Contains(got, hex.EncodeToString(sum[:])) || !strings.Contains(got, "3.0 MiB") {
				t.Fatalf("after the upload the file row says %q", got)
			}
			mustStatus(t, "publish", pm.click(`[data-testid="patch-publish"] button[type="submit"]`), 200)
			if got := pm.text(`main`); !strings.Contains(got, w.published) {
				t.Fatalf("after publishing the page says %q", got)
			}

			phone := func(email string) *tab { return s.phone(t, l.tag, email) }
			patch := `[data-testid="patch"][data-number="` + number + `"]`

			cloud := phone("admin@yunqi.demo")
			if got := cloud.text(`nav a[href="/portal/patches"]`); got != w.menu {
				t.Errorf("the portal menu says %q", got)
			}
			mustStatus(t, "patch center", cloud.open("/portal/patches"), 200)
			if got := cloud.text(patch); !strings.Contains(got, "修复月结凭证") && !strings.Contains(got, "Fix month-end vouchers") {
				t.Errorf("the patch reads %q", got)
			}
			if got := eval[string](cloud, `document.querySelector('`+patch+` .notes strong').textContent`); got != "月结" && got != "month-end" {
				t.Errorf("the notes' emphasis reads %q", got)
			}
			if got := cloud.text(`[data-testid="plan-for"]`); got != w.planFor {
				t.Errorf("the plan is for %q", got)
			}
			if !cloud.has(`[data-testid="plan-steps"] li[data-number="` + number + `"]`) {
				t.Errorf("the plan lacks %s: %q", number, cloud.text(`[data-testid="plan"]`))
			}
			noSideScroll(t, cloud)
			png := run(cloud, "screenshot", chromedp.CaptureScreenshot())
			if err := os.WriteFile("/tmp/steward-patches-"+l.tag+".png", png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot of the patch center: /tmp/steward-patches-%s.png", l.tag)
			href := eval[string](cloud, `document.querySelector('`+patch+` [data-testid="download"][data-file="`+name+`"]').getAttribute("href")`)
			got := run(cloud, "download with the session", chromedp.Evaluate[[]any](fmt.Sprintf(`(async () => {
				const r = await fetch(%q);
				const body = await r.arrayBuffer();
				const digest = await crypto.subtle.digest("SHA-256", body);
				return [r.status, body.byteLength, Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, "0")).join("")];
			})()`, href), chromedp.EvalAwaitPromise))
			if len(got) != 3 || got[0] != float64(200) || got[1] != float64(len(content)) || got[2] != hex.EncodeToString(sum[:]) {
				t.Errorf("the download: %v, want 200, %d bytes, %x", got, len(content), sum)
			}

			perpetual := phone("admin@huabei.demo")
			mustStatus(t, "perpetual patch center", perpetual.open("/portal/patches"), 200)
			refusal := perpetual.text(`[data-product="k3cloud"] [data-testid="refusal"]`)
			for _, want := range []string{w.refusal, "k3cloud 8.0", "2026-12-31", w.upgrade} {
				if !strings.Contains(refusal, want) {
					t.Errorf("the refusal lacks %q: %q", want, refusal)
				}
			}
			if !perpetual.has(patch) || perpetual.has(`[data-testid="download"]`) {
				t.Errorf("the perpetual customer: patch listed %v, download buttons %v", perpetual.has(patch), perpetual.has(`[data-testid="download"]`))
			}
			noSideScroll(t, perpetual)
		})
	}
}
