package ideas

import (
	"math"
	"time"
)

// HalfLife is how long it takes a vote to count half as much in the trending
// order.
const HalfLife = 7 * 24 * time.Hour

// trendEpoch is where vote ages are counted from; any fixed instant before
// the first vote would do.
var trendEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Trend is an idea's place in the trending order given when its votes were
// cast: log₂ Σ 2^(age of the epoch at the vote / HalfLife). At any moment
// "now", a vote cast at t weighs 2^-((now-t)/HalfLife); every idea's sum of
// weights is its Σ times the same factor 2^-(now/HalfLife), so ordering by
// Trend orders by the decayed votes at every now, and the stored value never
// needs refreshing as time passes. An idea without votes has 0, below any
// vote cast after the epoch.
func Trend(votedAt []time.Time) float64 {
	if len(votedAt) == 0 {
		return 0
	}
	top := math.Inf(-1)
	for _, t := range votedAt {
		top = math.Max(top, halfLives(t))
	}
	var sum float64
	for _, t := range votedAt {
		sum += math.Exp2(halfLives(t) - top)
	}
	return top + math.Log2(sum)
}

// WithVote is trend with one more vote cast at t, without reading the others.
func WithVote(trend float64, votes int, t time.Time) float64 {
	w := halfLives(t)
	if votes == 0 {
		return w
	}
	top := math.Max(trend, w)
	return top + math.Log2(math.Exp2(trend-top)+math.Exp2(w-top))
}

func halfLives(t time.Time) float64 {
	return float64(t.Sub(trendEpoch)) / float64(HalfLife)
}
