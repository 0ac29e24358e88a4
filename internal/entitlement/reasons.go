package entitlement

import (
	"strconv"
	"strings"

	"steward.dev/steward/internal/catalog"
	"steward.dev/steward/internal/contract"
)

// The words of each reason, in the customer's terms: what happened and what
// to do next. Placeholders are filled by plain concatenation (no fmt) since
// refusals are common answers of a hot path.

var notInContract = catalog.Text{
	Zh: "您的合同不包含此服务。如需开通，请联系您的客户经理。",
	En: "Your contract does not include this service. To add it, contact your account manager.",
}

func (p *prepared) refusal(code string, it *catalog.Item, c *contract.Contract) Reason {
	switch code {
	case ReasonRegion:
		regions := it.Regions
		if len(regions) == 0 {
			regions = DefaultRegions
		}
		zh, en := regionList(regions)
		region := p.in.Region
		if region == "" {
			region = "?"
		}
		return Reason{Code: code, Text: catalog.Text{
			Zh: "此服务仅面向" + zh + "的客户，不适用于您所在的地区（" + region + "）。",
			En: "This service is offered only to customers in " + en + "; it does not apply in your region (" + region + ").",
		}}
	case ReasonUnknownVersion:
		pv := ""
		if c != nil {
			pv = c.Product + " " + c.Version
		}
		return Reason{Code: code, Text: catalog.Text{
			Zh: "您合同中的产品版本（" + pv + "）不在产品生命周期表中，暂时无法确定服务期限。请联系您的客户经理核实。",
			En: "The product version in your contract (" + pv + ") is not on the product lifecycle table, so the service period cannot be determined. Please contact your account manager.",
		}}
	default:
		return Reason{Code: ReasonNotInContract, Text: notInContract}
	}
}

// notInContractReasons is the commonest refusal, shared by every answer
// that has it and no other reason (cap 1, so an append copies it).
var notInContractReasons = []Reason{{Code: ReasonNotInContract, Text: notInContract}}

// reasonMemo remembers the dated reasons one evaluation already worded: the
// items that share contracts share their words.
type reasonMemo struct {
	status           Status
	date             string
	product, version string // for a perpetual license's end of standard service
	reasons          []Reason
}

// datedReasons explains a status that comes from the dates. An active
// service needs no explanation.
func (p *prepared) datedReasons(s Status, from, until string, last *term) []Reason {
	key := reasonMemo{status: s, date: from}
	switch s {
	case NotYetActive:
	case Expired:
		key.date = until
		if last.lifetime {
			key.product, key.version = last.c.Product, last.c.Version
		}
	default:
		return []Reason{}
	}
	for _, m := range p.memo {
		if m.status == key.status && m.date == key.date && m.product == key.product && m.version == key.version {
			return m.reasons
		}
	}
	var r Reason
	switch {
	case s == NotYetActive:
		r = Reason{Code: ReasonNotYetActive, Text: catalog.Text{
			Zh: "此服务将于 " + from + " 起生效。",
			En: "This service starts on " + from + ".",
		}}
	case key.product != "" || key.version != "":
		pv := key.product + " " + key.version
		r = Reason{Code: ReasonExpired, Text: catalog.Text{
			Zh: "您使用的产品版本（" + pv + "）已于 " + until + " 停止标准服务，此服务随之结束。升级到仍在标准服务期内的版本即可继续享有。",
			En: "Standard service for the product version you use (" + pv + ") ended on " + until + ", and this service with it. Upgrade to a version still in standard service to continue.",
		}}
	default:
		r = Reason{Code: ReasonExpired, Text: catalog.Text{
			Zh: "您的服务已于 " + until + " 到期。如需继续使用，请联系您的客户经理续约。",
			En: "Your service ended on " + until + ". To continue, contact your account manager to renew.",
		}}
	}
	key.reasons = []Reason{r}
	p.memo = append(p.memo, key)
	return key.reasons
}

func quotaExhaustedReason(q *QuotaState) Reason {
	n := strconv.Itoa(q.Limit)
	return Reason{Code: ReasonQuotaExhausted, Text: catalog.Text{
		Zh: "本服务期（" + q.PeriodStart + " 至 " + q.PeriodEnd + "）的 " + n + " 次已全部用完。如确有需要，请联系您的客户经理。",
		En: "All " + n + " uses of this service period (" + q.PeriodStart + " to " + q.PeriodEnd + ") have been used. If you need more, contact your account manager.",
	}}
}

var regionNames = map[string]catalog.Text{
	"CN": {Zh: "中国大陆", En: "mainland China"},
	"HK": {Zh: "香港", En: "Hong Kong"},
	"MO": {Zh: "澳门", En: "Macau"},
	"TW": {Zh: "台湾", En: "Taiwan"},
}

// regionList names regions in words: "中国大陆、香港和澳门", "mainland China,
// Hong Kong and Macau".
func regionList(codes []string) (zh, en string) {
	var z, e strings.Builder
	for i, c := range codes {
		name, ok := regionNames[c]
		if !ok {
			name = catalog.Text{Zh: c, En: c}
		}
		if i > 0 {
			if i == len(codes)-1 {
				z.WriteString("和")
				e.WriteString(" and ")
			} else {
				z.WriteString("、")
				e.WriteString(", ")
			}
		}
		z.WriteString(name.Zh)
		e.WriteString(name.En)
	}
	return z.String(), e.String()
}
