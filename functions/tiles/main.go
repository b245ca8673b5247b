// Command tiles is the Lambda function serving POST /tiles.
package main

import (
	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

func main() { boot.Lambda(routes.Tiles) }
