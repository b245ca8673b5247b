// Command tile is the Lambda function serving POST /tiles/tile.
package main

import (
	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

func main() { boot.Lambda(routes.Tile) }
