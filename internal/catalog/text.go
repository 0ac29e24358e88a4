package catalog

import "steward.dev/steward/internal/platform/i18n"

// In returns the text in lang, or in the other language when that one is empty.
func (t Text) In(lang i18n.Lang) string {
	if lang == i18n.English && t.En != "" || t.Zh == "" {
		return t.En
	}
	return t.Zh
}
