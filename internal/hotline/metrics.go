package hotline

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics is a Prometheus collector that reads the rescues table at each
// scrape, so every instance on one database reports the same figures.
type Metrics struct {
	svc      *Service
	logger   *slog.Logger
	open     *prometheus.Desc
	overdue  *prometheus.Desc
	breaches *prometheus.Desc
}

// NewMetrics returns the collector of svc's figures.
func NewMetrics(svc *Service, logger *slog.Logger) *Metrics {
	return &Metrics{svc: svc, logger: logger,
		open: prometheus.NewDesc("steward_rescues_open", "Rescues not closed, by state.", []string{"state"}, nil),
		overdue: prometheus.NewDesc("steward_rescues_overdue", "Rescues whose acknowledgement or update is overdue now, by kind.",
			[]string{"kind"}, nil),
		breaches: prometheus.NewDesc("steward_rescue_breaches_total", "SLA targets missed so far (met late), by kind.",
			[]string{"kind"}, nil),
	}
}

// Describe sends the metrics' descriptions.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.open
	ch <- m.overdue
	ch <- m.breaches
}

// Collect reads the figures; a failed read is logged and reports nothing.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := m.svc.d.Store.Stats(ctx, m.svc.Now())
	if err != nil {
		m.logger.Error("hotline metrics", "err", err)
		return
	}
	for _, s := range States {
		if s != Closed {
			ch <- prometheus.MustNewConstMetric(m.open, prometheus.GaugeValue, float64(st.Open[s]), string(s))
		}
	}
	for _, k := range []string{BreachAck, BreachUpdate} {
		ch <- prometheus.MustNewConstMetric(m.overdue, prometheus.GaugeValue, float64(st.Overdue[k]), k)
		ch <- prometheus.MustNewConstMetric(m.breaches, prometheus.CounterValue, float64(st.Breaches[k]), k)
	}
}
