package app

import (
	"context"
	"net/http"
	"time"

	"steward.dev/steward/internal/account"
	"steward.dev/steward/internal/hotline"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/problem"
)

// demoRescue is a past rescue of the public-cloud demo customer and the
// steps that take it to where the demo shows it.
type demoRescue struct {
	key   string // the reporter's Idempotency-Key: a restart finds the first
	input hotline.ReportInput
	steps map[hotline.State]demoStep // what moves it on from each state, until none does
}

type demoStep func(ctx context.Context, svc *hotline.Service, by *actor.Actor, r hotline.Rescue) (hotline.Rescue, error)

func demoReport(title, description string, since time.Time) hotline.ReportInput {
	stopped := true
	return hotline.ReportInput{Title: title, Description: description, UsersAffected: hotline.AffectsAll, BusinessStopped: &stopped,
		Since: &since, Contact: &hotline.Contact{Name: "赵敏", Phone: "+86 138 0013 8000"}, Environment: "生产环境 k3cloud 9.0"}
}

func ack(ctx context.Context, svc *hotline.Service, by *actor.Actor, r hotline.Rescue) (hotline.Rescue, error) {
	return svc.Ack(ctx, by, r.OrgID, r.ID, hotline.ActionInput{Note: "值班工程师已接手，正在电话联系赵敏。"})
}

// demoRescues: one downgraded for an excluded cause (its quota unit given
// back), one fatal failure closed with its postmortem, so the portal is not
// empty and the customer has 3 of its 4 rescues left.
var demoRescues = []demoRescue{
	{key: "demo-rescue-downgraded",
		input: demoReport("全员无法登录系统", "上午 9 点起所有用户登录时提示“数据中心连接失败”。",
			time.Date(2026, 3, 12, 1, 10, 0, 0, time.UTC)),
		steps: map[hotline.State]demoStep{
			hotline.Reported: ack,
			hotline.Acknowledged: func(ctx context.Context, svc *hotline.Service, by *actor.Actor, r hotline.Rescue) (hotline.Rescue, error) {
				return svc.Downgrade(ctx, by, r.OrgID, r.ID, hotline.DowngradeInput{Reason: hotline.ExcludedCause, Cause: "customer_operation",
					Note: "客户管理员误删了数据中心的连接配置；已协助恢复配置，按普通问题跟进。"})
			},
		}},
	{key: "demo-rescue-closed",
		input: demoReport("月末结账卡住，无法出报表", "月结时总账结账任务停在 45%，所有财务人员无法继续。",
			time.Date(2026, 6, 30, 7, 30, 0, 0, time.UTC)),
		steps: map[hotline.State]demoStep{
			hotline.Reported: ack,
			hotline.Acknowledged: func(ctx context.Context, svc *hotline.Service, by *actor.Actor, r hotline.Rescue) (hotline.Rescue, error) {
				return svc.Confirm(ctx, by, r.OrgID, r.ID, hotline.ActionInput{Note: "确认为致命故障：结账任务阻塞，影响全部财务用户。"})
			},
			hotline.ConfirmedFatal: func(ctx context.Context, svc *hotline.Service, by *actor.Actor, r hotline.Rescue) (hotline.Rescue, error) {
				return svc.Mitigate(ctx, by, r.OrgID, r.ID, hotline.ActionInput{Note: "已终止阻塞的结账任务并重新排队，结账可以继续。"})
			},
			hotline.Mitigated: func(ctx context.Context, svc *hotline.Service, by *actor.Actor, r hotline.Rescue) (hotline.Rescue, error) {
				return svc.Resolve(ctx, by, r.OrgID, r.ID, hotline.ActionInput{Note: "补丁已安装，结账在 20 分钟内完成。"})
			},
			hotline.Resolved: func(ctx context.Context, svc *hotline.Service, by *actor.Actor, r hotline.Rescue) (hotline.Rescue, error) {
				return svc.Close(ctx, by, r.OrgID, r.ID, hotline.CloseInput{Postmortem: "## 经过\n\n结账任务在等待库存锁时阻塞。\n\n" +
					"## 原因\n\n9.0 的库存成本计算在月末并发时持有锁过久。\n\n## 改进\n\n- 安装补丁修正锁的范围\n- 结账前增加锁等待的监控告警"})
			},
		}},
}

// loadDemoRescues files the demo rescues that are missing and takes each to
// its place through svc, a quiet service (hotline.Service.Quiet: no page, no
// notice, no e-mail for the past); a restart finds them by their keys and
// changes nothing. When
// the demo customer's hotline entitlement no longer allows a report (the
// demo contract has ended), there is nothing to show and nothing is filed.
func loadDemoRescues(ctx context.Context, accounts *account.Store, svc *hotline.Service) error {
	customer, err := demoActor(ctx, accounts, "admin@yunqi.demo")
	if err != nil {
		return err
	}
	engineer, err := demoActor(ctx, accounts, "engineer@steward.demo")
	if err != nil {
		return err
	}
	for _, d := range demoRescues {
		r, _, err := svc.Report(ctx, customer, customer.OrgID, d.input, d.key)
		if pe, ok := problem.As(err); ok && (pe.Status == http.StatusForbidden || pe.Status == http.StatusConflict) {
			return nil
		}
		if err != nil {
			return err
		}
		for step := d.steps[r.State]; step != nil; step = d.steps[r.State] {
			if r, err = step(ctx, svc, engineer, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func demoActor(ctx context.Context, accounts *account.Store, email string) (*actor.Actor, error) {
	u, err := accounts.UserByEmail(ctx, email)
	return &actor.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, Name: u.Name, Email: u.Email, Locale: u.Locale}, err
}
