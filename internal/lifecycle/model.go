// Package lifecycle is the table of products and their versions with the end
// of standard service (停止标服服务日期) that perpetual licenses run until.
package lifecycle

import "steward.dev/steward/internal/platform/i18n"

// Text is a localised text.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Module is a functional module of a product.
type Module struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
}

// Product is a product line.
type Product struct {
	Code        string   `json:"code"`
	Name        Text     `json:"name"`
	Deployments []string `json:"deployments"` // deployment kinds offered
	Modules     []Module `json:"modules"`
}

// Version is a product version; dates are YYYY-MM-DD Asia/Shanghai days,
// inclusive: StandardSupportUntil is the last day of standard service.
type Version struct {
	Product              string `json:"product"`
	Name                 string `json:"name"`
	ReleasedOn           string `json:"released_on"`
	StandardSupportUntil string `json:"standard_support_until"`
	ExtendedSupportUntil string `json:"extended_support_until,omitempty"`
}

// In is the text in lang: English for en, Chinese otherwise.
func (t Text) In(lang i18n.Lang) string {
	if lang == i18n.English {
		return t.En
	}
	return t.Zh
}
