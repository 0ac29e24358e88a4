package patch_test

import (
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"steward.dev/steward/internal/app/apptest"
)

func TestPublicPatchPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		page := func(path, lang string) string {
			t.Helper()
			res := e.Do(req{Method: "GET", Path: path, Header: map[string]string{"Accept-Language": lang}}) // no login
			if res.Status != http.StatusOK {
				t.Fatalf("%s (%s): %d %s", path, lang, res.Status, res.Body)
			}
			return html.UnescapeString(string(res.Body))
		}
		contains := func(name, body string, wants ...string) {
			t.Helper()
			for _, w := range wants {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", name, w)
				}
			}
		}
		pm := e.Login("pm@steward.demo")
		found := e.Do(req{Method: "GET", Path: "/api/v1/patches?product=k3cloud&number=PT-2025-0110"}).Items()
		if len(found) != 1 {
			t.Fatalf("demo patch PT-2025-0110: %v", found)
		}
		demo := found[0]
		file := asItems(demo["files"])[0]

		// A published patch: its release notes, relations as links, files to verify, in both languages.
		zh := page("/patches/k3cloud/PT-2025-0110", "zh-CN")
		contains("patch zh", zh, "8.1 累积升级包 1", "功能升级", "适用版本", "8.0 及以上、低于 8.2", "新增库存预警看板",
			`href="/patches/k3cloud/PT-2025-0101"`, `href="/patches/k3cloud/PT-2025-0102"`, `href="/patches/k3cloud/PT-2025-0103"`,
			"pt-2025-0110.zip", file["sha256"].(string), file["signature"].(string), file["key_id"].(string),
			"steward patch verify", `href="/portal/patches/`+demo["id"].(string)+`"`)
		en := page("/patches/k3cloud/PT-2025-0110", "en")
		contains("patch en", en, "8.1 cumulative upgrade 1", "Feature upgrade", "8.0 or later and earlier than 8.2", "Release notes",
			"adds the stock alert dashboard", "Requires", "Supersedes", "steward patch verify")
		contains("notes as markdown", page("/patches/k3cloud/PT-2025-0101", "en"), "<strong>A prerequisite of later patches.</strong>")
		contains("conflict", page("/patches/k3cloud/PT-2025-0120", "en"), "Conflicts with", `href="/patches/k3cloud/PT-2025-0110"`, "8.0 or later and earlier than 9.0")
		contains("one version", page("/patches/k3cloud/PT-2025-0150", "zh-CN"), `data-testid="applies-to">8.2 <code>`)

		// A withdrawn patch says why and offers no download.
		withdrawn := page("/patches/k3cloud/PT-2025-0104", "en")
		contains("withdrawn", withdrawn, `data-testid="withdrawn"`, "Incompatible with some printer drivers")
		if strings.Contains(withdrawn, `data-testid="patch-center"`) {
			t.Error("a withdrawn patch links to its download")
		}
		contains("withdrawn zh", page("/patches/k3cloud/PT-2025-0104", "zh-CN"), "撤回，请勿再安装", "与部分打印机驱动不兼容")

		// The product's list: newest first, with the feed; a draft is nowhere to be seen.
		e.Clock.Advance(time.Hour)
		published(t, e, pm, "PT-T-0900", ">=9.0", nil)
		draft(t, e, pm, "PT-T-0901", ">=9.0", nil)
		list := page("/patches/k3cloud", "zh-CN")
		contains("list zh", list, "k3cloud 的补丁", `href="/patches/k3cloud.atom"`, `href="/patches/k3cloud/PT-2025-0110"`, "缺陷修正", "修复 PT-T-0900")
		if newest, demoOne := strings.Index(list, `data-number="PT-T-0900"`), strings.Index(list, `data-number="PT-2025-0110"`); newest < 0 || newest > demoOne {
			t.Error("the newest patch is not listed first")
		}
		if strings.Contains(list, "PT-T-0901") {
			t.Error("the list shows a draft")
		}
		contains("list en", page("/patches/k3cloud", "en"), "Patches of k3cloud", "Defect fix", "Fix PT-T-0900", "Withdrawn")
		for _, path := range []string{"/patches/k3cloud/PT-T-0901", "/patches/k3cloud/PT-NOSUCH", "/patches/nosuch", "/patches/nosuch/PT-2025-0110"} {
			if res := e.Do(req{Method: "GET", Path: path}); res.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, res.Status)
			}
		}

		// The lifecycle product page links the product's patches and each version's latest one's page.
		contains("lifecycle page", page("/lifecycle/k3cloud", "en"), `href="/patches/k3cloud"`, `/patches/k3cloud/PT-2025-0120"`)
	})
}
