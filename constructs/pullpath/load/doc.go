// Package load is the pull-path checker's front door. Check tells each input
// apart by its content, hands it to the first of the caller's readers that
// takes it (pullpath.Reader), merges what the readers read into one model and
// judges it with pullpath.Judge.
//
// The caller picks the readers: cmd/pullcheck passes every front end, the
// CDK plugin only the CloudFormation one, so that a CDK app links no parser
// it does not use. Standard input is the path "-"; files over
// pullpath.MaxFileSize are refused. An input no reader can read is named in
// the error, one line each, and the report covers the others.
package load
