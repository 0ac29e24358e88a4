package ideas

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"steward.dev/steward/internal/platform/actor"
	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/i18n"
)

// exportPage is how many ideas the export reads at a time.
const exportPage = 200

// exportHeader names the columns in both languages, so that one file serves
// every reader.
var exportHeader = []string{"编号 ID", "标题 Title", "产品 Product", "模块 Modules", "状态 Status", "票数 Votes",
	"关注 Followers", "需求组织数 Organisations wanting", "创建时间（北京）Created (Beijing)", "链接 URL"}

// byteOrderMark lets spreadsheet programs read the file as UTF-8 (Excel
// takes it for the local code page otherwise and garbles Chinese).
const byteOrderMark = "\ufeff"

// Export writes the ideas the filter selects, in its order, as CSV for
// product managers: every page of the list with the organisations wanting
// each. Nothing is written before the first page is read, so a refusal or a
// bad filter is still an error of its own.
func (s *Service) Export(ctx context.Context, a *actor.Actor, f Filter, w io.Writer) error {
	if err := s.CanManage(a); err != nil {
		return err
	}
	out := csv.NewWriter(w)
	f.Limit, f.Cursor = exportPage, ""
	for first := true; ; first = false {
		page, next, err := s.List(ctx, a, f)
		if err != nil {
			return err
		}
		if first {
			if _, err := io.WriteString(w, byteOrderMark); err != nil {
				return err
			}
			if err := out.Write(exportHeader); err != nil {
				return err
			}
		}
		ids := make([]string, len(page))
		for i, it := range page {
			ids[i] = it.ID
		}
		wanting, err := s.DemandCounts(ctx, a, ids)
		if err != nil {
			return err
		}
		for _, it := range page {
			if err := out.Write(exportRow(it, wanting[it.ID])); err != nil {
				return err
			}
		}
		if out.Flush(); out.Error() != nil || next == "" {
			return out.Error()
		}
		f.Cursor = next
	}
}

// exportRow is an idea's line of the export.
func exportRow(it Idea, orgs int) []string {
	row := []string{it.ID, it.Title, it.Product, strings.Join(it.Modules, "; "),
		StatusName(i18n.Chinese, it.Status) + " " + it.Status, strconv.Itoa(it.Votes), strconv.Itoa(it.Followers),
		strconv.Itoa(orgs), it.CreatedAt.In(clock.Shanghai).Format("2006-01-02 15:04"), IdeaURL(it.ID)}
	for i := range row {
		row[i] = inert(row[i])
	}
	return row
}

// inert keeps a spreadsheet from taking a cell for a formula: text that
// starts like one (=, +, -, @, a tab or a carriage return) gets a leading
// apostrophe, which spreadsheets show as text and do not run (CSV
// injection).
func inert(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
