package hotline

import "testing"

// TestTransitions restates the life of a rescue: each action from each
// state either leads where the table says or is refused.
func TestTransitions(t *testing.T) {
	allowed := map[Action]map[State]State{
		Ack:       {Reported: Acknowledged},
		Confirm:   {Acknowledged: ConfirmedFatal},
		Downgrade: {Acknowledged: Downgraded},
		Mitigate:  {ConfirmedFatal: Mitigated},
		Resolve:   {Mitigated: Resolved, Downgraded: Resolved},
		Close:     {Resolved: Closed},
	}
	for action, from := range allowed {
		for _, s := range States {
			next, ok := action.Next(s)
			want, wantOK := from[s]
			if ok != wantOK || next != want {
				t.Errorf("%s from %s = %q %v, want %q %v", action, s, next, ok, want, wantOK)
			}
		}
	}
	if _, ok := Action("reopen").Next(Closed); ok {
		t.Errorf("an unknown action moved a rescue")
	}
}
