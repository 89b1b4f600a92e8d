package pullpath

import "testing"

func TestAChoiceIsNamedAsAWholeWord(t *testing.T) {
	for text, want := range map[string]bool{
		"Fn::If on the condition UseNat":                     true,
		"it exists only if the condition UseNat holds":       true,
		"Fn::If on the condition UseNatGateway":              false,
		"aws_route.x[*] may exist (the variable enable_nat)": false,
		"(the variable use_nat)":                             false,
	} {
		c := "the condition UseNat"
		if text == "(the variable use_nat)" || text[:9] == "aws_route" {
			c = "the variable use"
		}
		if got := mentions(text, c); got != want {
			t.Errorf("mentions(%q, %q) = %v, want %v", text, c, got, want)
		}
	}
}
