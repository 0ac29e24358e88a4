package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"steward.dev/steward/internal/audit"
	"steward.dev/steward/internal/notice"
	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/db"
	"steward.dev/steward/internal/platform/problem"
)

// DateEdit is a date of a PATCH body: absent leaves the date alone, null
// clears it, a string sets it.
type DateEdit struct {
	Set   bool
	Value string
}

// UnmarshalJSON reads null or a string (encoding/json calls it only for a
// field that is present).
func (d *DateEdit) UnmarshalJSON(b []byte) error {
	d.Set, d.Value = true, ""
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, &d.Value)
}

// SetDate sets a date, "" clearing it (the console's form).
func SetDate(day string) DateEdit { return DateEdit{Set: true, Value: strings.TrimSpace(day)} }

// DatesEdit is a change of a version's dates.
type DatesEdit struct {
	ReleasedOn           DateEdit `json:"released_on"`
	StandardSupportUntil DateEdit `json:"standard_support_until"`
	ExtendedSupportUntil DateEdit `json:"extended_support_until"`
}

func (e DatesEdit) apply(v Version) Version {
	for _, d := range []struct {
		edit DateEdit
		to   *string
	}{{e.ReleasedOn, &v.ReleasedOn}, {e.StandardSupportUntil, &v.StandardSupportUntil}, {e.ExtendedSupportUntil, &v.ExtendedSupportUntil}} {
		if d.edit.Set {
			*d.to = d.edit.Value
		}
	}
	return v
}

// EditDates changes a version's dates under the rules of adding one (404
// for an unknown product or version). In the same transaction it records
// the change for the feeds and, when an end of service moves, posts a
// notice to the customer_admins of every organisation with an active
// contract on the version. Editing to the same dates changes nothing.
func (s *Service) EditDates(ctx context.Context, a *actor.Actor, product, name string, e DatesEdit) (Version, error) {
	if !a.Can(actor.ManageProducts) {
		return Version{}, problem.ErrForbidden
	}
	p, err := s.Product(ctx, product)
	if err != nil {
		return Version{}, err
	}
	before, ok, err := s.Version(ctx, product, name)
	if err != nil {
		return Version{}, err
	}
	if !ok {
		return Version{}, problem.ErrNotFound
	}
	after := e.apply(before)
	if err := after.normalize(); err != nil {
		return Version{}, err
	}
	if after == before {
		return after, nil
	}
	c := newChange(ChangeDatesChanged, before, after, s.clock.Now())
	err = s.store.DB().InTx(ctx, func(tx *db.Tx) error {
		updated, err := s.store.UpdateDates(ctx, tx, before, after)
		if err != nil {
			return err
		}
		if !updated { // another edit committed since we read the version
			return problem.ErrConflict
		}
		if err := s.store.InsertChange(ctx, tx, c); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, audit.Entry{Action: "product.version_dates", TargetType: "product_version", TargetID: product + "/" + name,
			Changes: c.audited()}); err != nil {
			return err
		}
		if !c.EndsMoved() {
			return nil
		}
		admins, err := s.affectedAdmins(ctx, tx, product, name)
		if err != nil {
			return err
		}
		return s.notices.Post(ctx, tx, admins, datesNotice(p, c))
	})
	if err != nil {
		return Version{}, err
	}
	s.changed()
	return after, nil
}

// datesNotice tells a customer_admin that an end of service of their
// version moved.
func datesNotice(p Product, c Change) notice.Message {
	zh, en := c.lines([]string{FieldStandardSupportUntil, FieldExtendedSupportUntil})
	return notice.Message{
		Title: notice.Text{
			Zh: fmt.Sprintf("%s %s 的服务截止日期已变更", p.Name.Zh, c.Version),
			En: fmt.Sprintf("The end of service of %s %s has changed", p.Name.En, c.Version),
		},
		Body: notice.Text{
			Zh: fmt.Sprintf("贵单位合同所涉版本 %s %s 的服务日期已调整（北京时间，含当日）：\n%s\n永久授权的服务期随停止标服服务日期而定。详情见产品生命周期页面 /lifecycle/%s。",
				p.Name.Zh, c.Version, strings.Join(zh, "\n"), p.Code),
			En: fmt.Sprintf("The service dates of %s %s, the version in your contract, have changed (Beijing days, inclusive):\n%s\nA perpetual license's services run until the end of standard service. See the product lifecycle page /lifecycle/%s.",
				p.Name.En, c.Version, strings.Join(en, "\n"), p.Code),
		},
		Link: "/lifecycle/" + p.Code,
	}
}
