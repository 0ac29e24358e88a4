//go:build browser

package browser

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPublicPatchPagesOnAPhone: without logging in, on a 390×844 phone
// screen, a product's patch list and a patch's release notes (long SHA-256
// and signature included) read in the language picked with the switch and
// do not scroll sideways.
func TestPublicPatchPagesOnAPhone(t *testing.T) {
	s := startSite(t)
	titles := map[string]string{"zh-CN": "8.1 累积升级包 1", "en": "8.1 cumulative upgrade 1"}
	for _, l := range langs {
		t.Run(l.tag, func(t *testing.T) {
			t.Parallel()
			p := s.newTab(t)
			run(p, "phone viewport", chromedp.EmulateViewport(390, 844,
				chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
			mustStatus(t, "patch page", p.openInLang("/patches/k3cloud/PT-2025-0110", l.tag), 200)
			if got := p.text(".lead"); !strings.Contains(got, titles[l.tag]) {
				t.Errorf("patch title %q, want %q", got, titles[l.tag])
			}
			if !p.has(`[data-testid="verify-hint"]`) || !p.has(`tr[data-file="pt-2025-0110.zip"]`) {
				t.Error("the patch page lacks its file or how to verify it")
			}
			noSideScroll(t, p)
			mustStatus(t, "withdrawn patch", p.open("/patches/k3cloud/PT-2025-0104"), 200)
			if !p.has(`[data-testid="withdrawn"]`) {
				t.Error("the withdrawn patch does not say so")
			}
			noSideScroll(t, p)
			mustStatus(t, "patch list", p.open("/patches/k3cloud"), 200)
			if !p.has(`tr[data-number="PT-2025-0110"] a[href="/patches/k3cloud/PT-2025-0110"]`) {
				t.Error("the list does not link the patch")
			}
			noSideScroll(t, p)
		})
	}
}
