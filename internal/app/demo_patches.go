package app

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/actor"
)

// DemoPatch is a patch of the demo product with the state it ends in.
type DemoPatch struct {
	patch.Input
	Withdrawn string // the reason, when the demo withdraws it
}

func demoText(zh, en string) patch.Text { return patch.Text{Zh: zh, En: en} }

// DemoPatches are the demo product's patches, published in this order: on
// 8.0–8.1 a prerequisite and a fix that needs it, a cumulative upgrade that
// supersedes two fixes, a withdrawn fix and one that conflicts with the
// upgrade; one fix each for 8.2 and 9.0. The perpetual customer (8.0)
// plans 0101, then 0110 in place of 0102 and 0103, and 0120 with its
// conflict named.
var DemoPatches = []DemoPatch{
	{Input: patch.Input{Number: "PT-2025-0101", Type: patch.DefectFix, AppliesTo: ">=8.0 <8.2",
		Title: demoText("总账：期末结账锁表修复", "General ledger: period-end close no longer locks the voucher table"),
		Notes: demoText("修复期末结账时凭证表被长时间锁定的问题。**后续补丁的前置补丁。**", "Fixes the voucher table staying locked during the period-end close. **A prerequisite of later patches.**")}},
	{Input: patch.Input{Number: "PT-2025-0102", Type: patch.DefectFix, AppliesTo: ">=8.0 <8.2", Requires: []string{"PT-2025-0101"},
		Title: demoText("应收：坏账准备计提金额修正", "Receivables: bad-debt provision amounts corrected"),
		Notes: demoText("修正按账龄计提坏账准备时的舍入误差。需先安装 PT-2025-0101。", "Corrects rounding in the ageing-based bad-debt provision. Install PT-2025-0101 first.")}},
	{Input: patch.Input{Number: "PT-2025-0103", Type: patch.DefectFix, AppliesTo: ">=8.0 <8.2",
		Title: demoText("库存：负库存校验修复", "Inventory: negative stock check fixed"),
		Notes: demoText("修复多仓调拨时负库存校验失效的问题。", "Fixes the negative stock check being skipped on transfers between warehouses.")}},
	{Input: patch.Input{Number: "PT-2025-0104", Type: patch.DefectFix, AppliesTo: ">=8.0 <8.2",
		Title: demoText("应付：付款单打印模板修复", "Payables: payment slip print template fixed"),
		Notes: demoText("调整付款单打印模板的页边距。", "Adjusts the margins of the payment slip print template.")},
		Withdrawn: "与部分打印机驱动不兼容，改由 PT-2025-0110 提供 / Incompatible with some printer drivers; PT-2025-0110 carries the fix instead"},
	{Input: patch.Input{Number: "PT-2025-0110", Type: patch.FeatureUpgrade, AppliesTo: ">=8.0 <8.2", Requires: []string{"PT-2025-0101"},
		Supersedes: []string{"PT-2025-0102", "PT-2025-0103"},
		Title:      demoText("8.1 累积升级包 1", "8.1 cumulative upgrade 1"),
		Notes:      demoText("包含 PT-2025-0102 和 PT-2025-0103 的全部修正，并新增库存预警看板。", "Contains every fix of PT-2025-0102 and PT-2025-0103 and adds the stock alert dashboard.")}},
	{Input: patch.Input{Number: "PT-2025-0120", Type: patch.DefectFix, AppliesTo: ">=8.0 <9.0", ConflictsWith: []string{"PT-2025-0110"},
		Title: demoText("生产制造：旧版 MRP 运算加速", "Manufacturing: faster MRP run (old engine)"),
		Notes: demoText("加速旧版 MRP 运算引擎。与 PT-2025-0110 的新引擎冲突，二者只能安装其一。", "Speeds up the old MRP engine. Conflicts with PT-2025-0110's new engine: install only one of them.")}},
	{Input: patch.Input{Number: "PT-2025-0150", Type: patch.DefectFix, AppliesTo: "8.2",
		Title: demoText("8.2：合并报表汇率折算修复", "8.2: exchange rates in consolidated statements fixed"),
		Notes: demoText("修正合并报表中期末汇率的取数。", "Corrects which closing rate consolidated statements take.")}},
	{Input: patch.Input{Number: "PT-2026-0201", Type: patch.DefectFix, AppliesTo: ">=9.0",
		Title: demoText("9.0：移动审批推送修复", "9.0: mobile approval notifications fixed"),
		Notes: demoText("修复移动端审批消息偶发不推送的问题。", "Fixes approval messages sometimes not reaching the mobile app.")}},
}

// demoPatchFile is a small real zip: a README and a manifest. Its bytes
// never change (fixed times), so its SHA-256 is the same on every start.
func demoPatchFile(p patch.Input) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	readme := fmt.Sprintf("%s %s\n\n%s\n%s\n\n%s\n\n%s\n", p.Number, p.Type, p.Title.Zh, p.Title.En, p.Notes.Zh, p.Notes.En)
	manifest := fmt.Sprintf("number=%s\nproduct=%s\napplies_to=%s\nrequires=%s\nsupersedes=%s\nconflicts_with=%s\n%s",
		p.Number, p.Product, p.AppliesTo, strings.Join(p.Requires, ","), strings.Join(p.Supersedes, ","), strings.Join(p.ConflictsWith, ","),
		strings.Repeat("# demo payload: replace the files listed above\n", 64))
	for name, body := range map[string]string{"README.txt": readme, "MANIFEST": manifest} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(body)); err != nil {
			return nil, err
		}
	}
	err := zw.Close()
	return buf.Bytes(), err
}

// loadDemoPatches brings the demo patches to their state, whatever step an
// earlier start got to: a patch is found by its number, created when
// missing, given its file while a draft, published, and withdrawn when the
// demo says so. It runs after the demo product exists.
func loadDemoPatches(ctx context.Context, svc *patch.Service) error {
	system := &actor.Actor{Role: actor.VendorAdmin, Name: "demo"}
	for _, d := range DemoPatches {
		d.Product = DemoProduct.Code
		found, err := svc.List(ctx, system, patch.Filter{Product: d.Product, Number: d.Number}, "", 1)
		if err != nil {
			return err
		}
		var p patch.Patch
		if len(found) > 0 {
			p = found[0]
		} else if p, err = svc.Create(ctx, system, d.Input); err != nil {
			return fmt.Errorf("%s: %w", d.Number, err)
		}
		if p.Status == patch.Draft {
			body, err := demoPatchFile(d.Input)
			if err != nil {
				return err
			}
			name := strings.ToLower(d.Number) + ".zip"
			if _, err := svc.PutFile(ctx, system, p.ID, patch.Upload{Name: name, Body: bytes.NewReader(body), Size: int64(len(body))}); err != nil {
				return fmt.Errorf("%s: %w", d.Number, err)
			}
			if p, err = svc.Publish(ctx, system, p.ID); err != nil {
				return fmt.Errorf("%s: %w", d.Number, err)
			}
		}
		if d.Withdrawn != "" && p.Status == patch.Published {
			if _, err := svc.Withdraw(ctx, system, p.ID, d.Withdrawn); err != nil {
				return fmt.Errorf("%s: %w", d.Number, err)
			}
		}
	}
	return nil
}
