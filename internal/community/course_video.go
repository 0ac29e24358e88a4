package community

import (
	"net/url"
	"path"
	"regexp"
	"strings"
)

// How a lesson page shows its video.
const (
	VideoNone   = ""       // the lesson has no video
	VideoFrame  = "iframe" // a player page of an allowed video host
	VideoFile   = "video"  // a direct .mp4 or .webm, played by the browser
	VideoLink   = "link"   // anything else: a plain link that opens elsewhere
	maxVideoURL = 2000
)

// Video is a lesson's video as the page shows it: Src is the address of the
// iframe, the <video> or the link.
type Video struct {
	Kind string `json:"kind"`
	Src  string `json:"src"`
}

var (
	youtubeID  = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	bilibiliID = regexp.MustCompile(`^BV[A-Za-z0-9]{10}$`)
)

// players are the video hosts whose pages may be framed: each turns an
// address on it into its embeddable player, or says it is none.
var players = map[string]func(u *url.URL) (string, bool){
	"player.bilibili.com":      samePlayer("/player.html"),
	"player.youku.com":         samePlayer("/embed/"),
	"v.qq.com":                 samePlayer("/txp/iframe/player.html"),
	"player.vimeo.com":         samePlayer("/video/"),
	"www.youtube-nocookie.com": samePlayer("/embed/"),
	"www.youtube.com":          youtubeWatch,
	"youtu.be": func(u *url.URL) (string, bool) {
		return youtubePlayer(strings.TrimPrefix(u.Path, "/"))
	},
	"www.bilibili.com": func(u *url.URL) (string, bool) {
		bv := strings.TrimSuffix(strings.TrimPrefix(u.Path, "/video/"), "/")
		if !strings.HasPrefix(u.Path, "/video/") || !bilibiliID.MatchString(bv) {
			return "", false
		}
		return "https://player.bilibili.com/player.html?bvid=" + bv, true
	},
}

// samePlayer frames the address as it is when its path is the host's player.
func samePlayer(prefix string) func(u *url.URL) (string, bool) {
	return func(u *url.URL) (string, bool) {
		if !strings.HasPrefix(u.Path, prefix) {
			return "", false
		}
		return u.String(), true
	}
}

func youtubeWatch(u *url.URL) (string, bool) {
	if strings.HasPrefix(u.Path, "/embed/") {
		return youtubePlayer(strings.TrimPrefix(u.Path, "/embed/"))
	}
	if u.Path != "/watch" {
		return "", false
	}
	return youtubePlayer(u.Query().Get("v"))
}

// youtubePlayer is the privacy-enhanced player of a YouTube video id.
func youtubePlayer(videoID string) (string, bool) {
	if !youtubeID.MatchString(videoID) {
		return "", false
	}
	return "https://www.youtube-nocookie.com/embed/" + videoID, true
}

// ParseVideoURL checks a lesson's video address from outside: "" is none;
// otherwise an absolute https address of at most 2,000 bytes with a host and
// without a user name, so that a page never loads a video over plain HTTP.
func ParseVideoURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || len(raw) > maxVideoURL || u.Scheme != "https" || u.Hostname() == "" || u.User != nil || u.Opaque != "" {
		return "", errVideoURL
	}
	return u.String(), nil
}

// VideoOf says how a page shows a checked video address: framed when its
// host is an allowed player, played when it is a direct .mp4 or .webm file,
// linked otherwise.
func VideoOf(checked string) Video {
	if checked == "" {
		return Video{Kind: VideoNone}
	}
	u, err := url.Parse(checked)
	if err != nil || u.Scheme != "https" {
		return Video{Kind: VideoNone}
	}
	if player, ok := players[strings.ToLower(u.Hostname())]; ok && u.Port() == "" {
		if src, ok := player(u); ok {
			return Video{Kind: VideoFrame, Src: src}
		}
	}
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".mp4", ".webm":
		return Video{Kind: VideoFile, Src: u.String()}
	}
	return Video{Kind: VideoLink, Src: u.String()}
}
