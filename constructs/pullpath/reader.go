package pullpath

// MaxFileSize is the largest file the readers take (CloudFormation itself
// accepts templates of at most 1 MB).
const MaxFileSize = 5 << 20

// Source is one input as given to a Reader: a file (or standard input) with
// its bytes, or a folder.
type Source struct {
	// Path is as given; "-" is standard input.
	Path string
	// Dir is true for a folder; Data is then nil.
	Dir  bool
	Data []byte
}

// A Reader turns one kind of input into the model. The front door asks each
// reader in turn whether it Takes a source, hands it to the first that does,
// and once every source is read merges what each reader's Model gives.
// Inputs of one reader form one set: a CloudFormation import resolves to an
// export of another template the same reader read. A Reader reads one set:
// make a new one for every check.
type Reader interface {
	// Takes says, from its content, whether the reader reads src.
	Takes(src *Source) bool
	// Read reads src into the reader's set. The error names the input.
	Read(src *Source) error
	// Model is the model of all the reader read, linked within its set.
	Model() *Model
	// Folder describes the folders the reader takes, for the message on a
	// folder no reader takes ("*.tf files (a Terraform root module)"), or ""
	// when it takes none.
	Folder() string
}
