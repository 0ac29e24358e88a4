package community_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"steward.dev/steward/internal/app/apptest"
)

func TestCommunityHubSearchesEverythingAndOffersToAskWhenNothingIsFound(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		hub := page(e, "/community", "zh-CN", "")
		mustShow(t, "hub", hub, http.StatusOK, "云社区", `action="/community/search"`, `href="/community/questions/ask"`,
			`href="/help/vouchers"`, `href="/community/questions"`)

		res := page(e, "/community/search?q="+url.QueryEscape("凭证审核以后发现错了怎么改"), "zh-CN", "")
		mustShow(t, "search", res, http.StatusOK, `href="/help/articles/art-voucher-audit"`, "<mark>", "帮助文章", "没有找到想要的答案？")
		if strings.Contains(string(res.Body), `data-testid="no-hits"`) {
			t.Error("a search with hits says it found nothing")
		}

		typed := "<b>门店会员积分</b>"
		res = page(e, "/community/search?q="+url.QueryEscape(typed), "zh-CN", "")
		mustShow(t, "no hits", res, http.StatusOK, `data-testid="no-hits"`, "没有找到与“&lt;b&gt;门店会员积分&lt;/b&gt;”相关",
			`href="/community/questions/ask?title=`+url.QueryEscape(typed)+`"`)
		if strings.Contains(string(res.Body), typed) {
			t.Error("the search page shows the typed words unescaped")
		}

		mustShow(t, "articles only", page(e, "/community/search?type=article&q="+url.QueryEscape("反审核"), "en", ""), http.StatusOK,
			`aria-current="page">Help article</a>`, `href="/help/articles/art-voucher-audit"`)
		mustShow(t, "unknown type", page(e, "/community/search?type=video&q=x", "en", ""), http.StatusBadRequest, "must be question, article or course")
	})
}
