//go:build browser

package browser

import (
	"strings"
	"testing"
)

// TestMyServicesShowsWhatEachContractGives is the spine's acceptance as the
// demo customers see it on the portal, in both languages: the SG customer is
// outside the catalog's regions, the perpetual customer's services end with
// its version's standard service and it has neither cloud operations nor
// license upgrades, and the public-cloud customer has cloud operations.
func TestMyServicesShowsWhatEachContractGives(t *testing.T) {
	s := startSite(t)
	words := map[string]struct{ heading, active, notIncluded, region, rescuesLeft string }{
		"zh-CN": {"我的服务", "可使用", "未包含", "本地区不适用", "4"},
		"en":    {"My services", "Active", "Not included", "Not offered in your region", "4 of 4 left"},
	}
	for _, l := range langs {
		t.Run(l.tag, func(t *testing.T) {
			w := words[l.tag]
			open := func(email string) *tab {
				p := s.newTab(t)
				p.openInLang("/login", l.tag)
				p.login(email, demoPassword)
				mustStatus(t, "my services", p.open("/portal/services"), 200)
				if got := p.text(`[data-testid="services-heading"]`); got != w.heading {
					t.Errorf("%s: the heading is %q", email, got)
				}
				return p
			}
			row := func(p *tab, service string) string {
				return p.text(`[data-testid="services"] tr[data-service="` + service + `"]`)
			}

			sg := open("admin@lioncity.demo")
			for _, service := range []string{"community", "hotline_rescue"} {
				if got := row(sg, service); !strings.Contains(got, w.region) {
					t.Errorf("SG customer, %s: %q", service, got)
				}
			}

			perpetual := open("admin@huabei.demo")
			if got := row(perpetual, "hotline_rescue"); !strings.Contains(got, w.active) || !strings.Contains(got, "2026-12-31") || !strings.Contains(got, w.rescuesLeft) {
				t.Errorf("perpetual customer, rescue: %q", got)
			}
			for _, service := range []string{"cloud_ops", "license_upgrade"} {
				if got := row(perpetual, service); !strings.Contains(got, w.notIncluded) {
					t.Errorf("perpetual customer, %s: %q", service, got)
				}
			}

			cloud := open("member@yunqi.demo")
			if got := row(cloud, "cloud_ops"); !strings.Contains(got, w.active) || !strings.Contains(got, "2027-12-31") {
				t.Errorf("public-cloud customer, cloud_ops: %q", got)
			}
			noSideScroll(t, cloud)
		})
	}
}
