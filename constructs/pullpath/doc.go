// Package pullpath is the core of the pull-path checker: it models the pull
// path of ECS services, what a Fargate task needs to pull its image and
// start, and judges each service: private, internet, broken, undecided or
// skipped. Other launchers of tasks (EventBridge rule targets and
// schedules, Step Functions states that run a task) and Fargate task
// definitions that nothing in the set launches are judged the same way
// (launchers.go).
//
// It is plain Go with no parser: it imports neither jsii nor the CDK nor a
// YAML or HCL library, so the pullcheck command built on it runs without
// Node.js. Front ends live in their own packages and turn their inputs into
// its Model: constructs/pullpath/cloudformation reads templates (JSON, YAML)
// and cdk.out, constructs/pullpath/terraform reads Terraform root modules,
// and constructs/pullpath/load, the front door, hands each input to the
// first Reader that takes it and judges what they read together:
//
//	report, err := load.Check([]string{"cdk.out"}, load.Options{
//		Readers: []pullpath.Reader{cloudformation.NewReader(nil)},
//	})
//	report.WriteText(os.Stdout) // or WriteJSON, WriteSARIF, Mermaid
//
// The Model holds VPCs, subnets, route tables, endpoints, security groups,
// services, task definitions, roles and cache rules, linked by pointers;
// readers build it through its exported types and record on each Input what
// the core needs from them (positions, region and partition hints,
// acknowledgements, hidden parts, assumptions) and a Dialect, which words
// fixes in the input's own terms. For each service, facts.go gathers what the
// tasks need and what the set has of it, and each rule (rules.go) is one
// small function over that, stating a cause and a Change; judge.go turns
// their findings and unknowns into the verdict. No rule asks which reader an
// input came from.
//
// What the inputs cannot show (a parameter, an import from outside the set,
// a literal id of something defined elsewhere, an Fn::If whose branches
// differ, what a transform or an uninitialised module creates) is unknown:
// never assumed present, never assumed absent.
//
// A new front end is a package that implements Reader and Dialect, imports
// this package and no other reader, and is one more entry in the readers
// cmd/pullcheck passes to load.Check.
package pullpath
