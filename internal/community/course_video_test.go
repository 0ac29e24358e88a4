package community

import (
	"net/url"
	"strings"
	"testing"
)

func TestLessonVideosFramedOnlyFromAllowedPlayers(t *testing.T) {
	for _, tc := range []struct{ in, kind, src string }{
		{"", VideoNone, ""},
		{"https://www.bilibili.com/video/BV1GJ411x7h7/?spm=1", VideoFrame, "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7"},
		{"https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&page=2", VideoFrame, "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&page=2"},
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", VideoFrame, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://youtu.be/dQw4w9WgXcQ", VideoFrame, "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://v.qq.com/txp/iframe/player.html?vid=m0036x0ah6n", VideoFrame, "https://v.qq.com/txp/iframe/player.html?vid=m0036x0ah6n"},
		{"https://training.example.com/k3/voucher.MP4", VideoFile, "https://training.example.com/k3/voucher.MP4"},
		{"https://cdn.example.com/close.webm?sig=1", VideoFile, "https://cdn.example.com/close.webm?sig=1"},
		// A player host on another port, a page of an allowed host that is
		// not its player, and any other page are links.
		{"https://player.bilibili.com:8443/player.html?bvid=BV1GJ411x7h7", VideoLink, "https://player.bilibili.com:8443/player.html?bvid=BV1GJ411x7h7"},
		{"https://www.youtube.com/channel/UC123", VideoLink, "https://www.youtube.com/channel/UC123"},
		{"https://www.youtube.com/watch?v=<script>", VideoLink, "https://www.youtube.com/watch?v=<script>"},
		{"https://evil.example/player.bilibili.com/x", VideoLink, "https://evil.example/player.bilibili.com/x"},
	} {
		checked, err := ParseVideoURL(tc.in)
		if err != nil {
			t.Errorf("%q refused: %v", tc.in, err)
			continue
		}
		if got := VideoOf(checked); got.Kind != tc.kind || got.Src != tc.src {
			t.Errorf("%q shown as %+v, want %s %s", tc.in, got, tc.kind, tc.src)
		}
	}
	for _, bad := range []string{"http://www.bilibili.com/video/BV1GJ411x7h7", "javascript:alert(1)", "//player.bilibili.com/x",
		"https://user:pw@player.bilibili.com/player.html", "https:///nohost.mp4", "data:video/mp4;base64,AAAA", "https:opaque.mp4",
		"https://x.example/" + strings.Repeat("a", 2000)} {
		if _, err := ParseVideoURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzVideoURL feeds arbitrary addresses through the check and the choice
// of how to show them: nothing accepted is anything but https, and a frame
// only ever comes from an allowed player host.
func FuzzVideoURL(f *testing.F) {
	for _, s := range []string{"https://www.bilibili.com/video/BV1GJ411x7h7", "https://youtu.be/dQw4w9WgXcQ", "https://a.example/b.mp4",
		"http://a", "javascript:alert(1)", "https://player.vimeo.com/video/1", " https://x.example/%zz", "https://[::1]:80/v.webm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		checked, err := ParseVideoURL(raw)
		if err != nil {
			return
		}
		v := VideoOf(checked)
		if checked == "" {
			if v.Kind != VideoNone {
				t.Fatalf("no address shown as %+v", v)
			}
			return
		}
		u, err := url.Parse(v.Src)
		if err != nil || u.Scheme != "https" || u.Hostname() == "" {
			t.Fatalf("%q shown from %q", raw, v.Src)
		}
		if _, allowed := players[strings.ToLower(u.Hostname())]; v.Kind == VideoFrame && (!allowed || u.Port() != "") {
			t.Fatalf("%q framed from %q", raw, v.Src)
		}
	})
}
