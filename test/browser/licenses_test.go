//go:build browser

package browser

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"steward.dev/steward/internal/app"
	"steward.dev/steward/internal/license"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/pkg/licensefile"
)

// TestLicenseUpgradeJourney is issue 6's acceptance in the browser, in both
// languages, on a phone: the public-cloud demo customer reads what a license
// upgrade includes and what not, presses the upgrade button, sees the new
// license on the demo's newest version with the same modules and users and
// the old one superseded, and downloads the new file in the page; the file
// verifies with pkg/licensefile against the server's public keys. The
// perpetual customer sees why it cannot upgrade, in words, and no button.
// Each language gets its own site, as an upgrade happens once.
func TestLicenseUpgradeJourney(t *testing.T) {
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC) // a Friday morning in Beijing
	newest := app.DemoVersions[len(app.DemoVersions)-1].Name
	words := map[string]struct {
		menu, done, upgradeTo, replaces, superseded, active string
		explained, instead                                  []string
	}{
		"zh-CN": {"许可", "许可已升级", "升级到 " + newest, "替换 lic_demo_cloud", "已替换", "有效",
			[]string{"包含：", "功能模块和用户数与原许可完全相同", "不包含：", "升级实施服务", "客户化开发", "第三方产品"}, []string{"许可升级", license.Instead.Zh}},
		"en": {"Licenses", "License upgraded", "Upgrade to " + newest, "replaces lic_demo_cloud", "superseded", "active",
			[]string{"Included:", "exactly the same functional modules and number of users", "Not included:", "the upgrade work itself", "customisations", "third-party products"},
			[]string{"License upgrade", license.Instead.En}},
	}
	for _, l := range langs {
		t.Run(l.tag, func(t *testing.T) {
			t.Parallel()
			w := words[l.tag]
			s := startSiteAt(t, clock.NewManual(now))

			cloud := s.phone(t, l.tag, "admin@yunqi.demo")
			if got := cloud.text(`nav a[href="/portal/licenses"]`); got != w.menu {
				t.Errorf("the portal menu says %q, want %q", got, w.menu)
			}
			mustStatus(t, "licenses", cloud.click(`nav a[href="/portal/licenses"]`), 200)
			explained := cloud.text(`[data-testid="upgrade-explained"]`)
			for _, want := range w.explained {
				if !strings.Contains(explained, want) {
					t.Errorf("the explanation lacks %q: %q", want, explained)
				}
			}
			oldRow := `tr[data-license="lic_demo_cloud"]`
			if got := cloud.text(oldRow); !strings.Contains(got, "k3cloud 9.0") || !strings.Contains(got, "120") || !strings.Contains(got, "2025-01-01 – 2027-12-31") {
				t.Errorf("the demo license reads %q", got)
			}
			if got := cloud.text(oldRow + ` [data-testid="upgrade"] button`); got != w.upgradeTo {
				t.Errorf("the upgrade button says %q, want %q", got, w.upgradeTo)
			}
			keys := trustedKeys(t, s)
			old := verifyDownload(t, cloud, "lic_demo_cloud", keys, now)

			mustStatus(t, "upgrade", cloud.click(oldRow+` [data-testid="upgrade"] button`), 200)
			if got := cloud.text(`main`); cloud.path() != "/portal/licenses" || !strings.Contains(got, w.done) {
				t.Fatalf("after the upgrade %s says %q", cloud.path(), got)
			}
			newID := eval[string](cloud, `document.querySelector('tr[data-status="active"][data-license]:not([data-license="lic_demo_cloud"])')?.dataset.license ?? ""`)
			if newID == "" {
				t.Fatalf("no new active license: %q", cloud.text(`[data-testid="licenses"]`))
			}
			newRow := `tr[data-license="` + newID + `"]`
			if got := cloud.text(newRow); !strings.Contains(got, "k3cloud "+newest) || !strings.Contains(got, w.replaces) || !strings.Contains(got, w.active) {
				t.Errorf("the new license reads %q", got)
			}
			if got := eval[string](cloud, `document.querySelector('`+oldRow+`').dataset.status`); got != "superseded" || !strings.Contains(cloud.text(oldRow), w.superseded) {
				t.Errorf("the old license is %s: %q", got, cloud.text(oldRow))
			}
			if cloud.has(oldRow+` [data-testid="upgrade"]`) || cloud.has(newRow+` [data-testid="upgrade"]`) {
				t.Errorf("an upgrade button is still offered after upgrading to the newest version")
			}
			lic := verifyDownload(t, cloud, newID, keys, now)
			if lic.Version != newest || lic.Supersedes != "lic_demo_cloud" || lic.Users != old.Users || !slices.Equal(lic.Modules, old.Modules) ||
				lic.ValidFrom != old.ValidFrom || lic.ValidUntil != old.ValidUntil {
				t.Errorf("the downloaded license says %+v; the old one %+v", lic, old)
			}
			noSideScroll(t, cloud)

			perpetual := s.phone(t, l.tag, "admin@huabei.demo")
			mustStatus(t, "perpetual licenses", perpetual.open("/portal/licenses"), 200)
			refusal := perpetual.text(`tr[data-license="lic_demo_perpetual"] [data-testid="refusal"]`)
			for _, want := range w.instead {
				if !strings.Contains(refusal, want) {
					t.Errorf("the refusal lacks %q: %q", want, refusal)
				}
			}
			if perpetual.has(`[data-testid="upgrade"]`) {
				t.Errorf("the perpetual customer is offered an upgrade button")
			}
			noSideScroll(t, perpetual)
		})
	}
}

// trustedKeys reads the public keys a verifier trusts from GET /api/v1/keys.
func trustedKeys(t *testing.T, s *site) []licensefile.TrustedKey {
	t.Helper()
	res, err := http.Get(s.URL + "/api/v1/keys")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/keys: %d %v", res.StatusCode, err)
	}
	keys, err := licensefile.ParseKeys(body)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// verifyDownload fetches the license's file in the page, through its
// download link with the session, and verifies the bytes.
func verifyDownload(t *testing.T, p *tab, licenseID string, keys []licensefile.TrustedKey, at time.Time) *licensefile.License {
	t.Helper()
	href := eval[string](p, `document.querySelector('tr[data-license="`+licenseID+`"] [data-testid="download"]').getAttribute("href")`)
	got := run(p, "download "+licenseID, chromedp.Evaluate[[]any](fmt.Sprintf(`(async () => {
		const r = await fetch(%q);
		return [r.status, r.headers.get("Content-Type"), await r.text()];
	})()`, href), chromedp.EvalAwaitPromise))
	if len(got) != 3 || got[0] != float64(200) || got[1] != "text/plain; charset=utf-8" {
		t.Fatalf("download of %s: %v", licenseID, got)
	}
	lic, err := licensefile.Verify([]byte(got[2].(string)), keys, at)
	if err != nil {
		t.Fatalf("the downloaded %s does not verify: %v", licenseID, err)
	}
	if lic.LicenseID != licenseID {
		t.Errorf("the file of %s is license %s", licenseID, lic.LicenseID)
	}
	return lic
}
