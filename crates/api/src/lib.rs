//! The GraphQL schema of the server, independent of any transport.
//!
//! [`build_schema`] merges the root fields of every module, attaches the services resolvers
//! need, sets depth and complexity limits and installs the extensions that give every error
//! the reference's `extensions` and log one line per operation. [`sdl`] prints the schema that
//! `schema.graphql` at the repository root must equal.

mod extensions;

use alkemio_configuration::settings::GraphqlSettings;
use alkemio_platform::PlatformService;
use alkemio_platform::graphql::PlatformQuery;
use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};

pub use extensions::{ErrorCodes, OperationLog};

/// Root query: every module's query fields.
#[derive(Debug, Default, MergedObject)]
#[graphql(name = "Query")]
pub struct QueryRoot(PlatformQuery);

/// The server's schema type.
pub type AlkemioSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// What resolvers need at run time.
#[derive(Debug, Clone)]
pub struct SchemaServices {
    /// Platform use cases.
    pub platform: PlatformService,
}

fn builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
}

/// Builds the executable schema.
pub fn build_schema(services: SchemaServices, limits: &GraphqlSettings) -> AlkemioSchema {
    builder()
        .data(services.platform)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .extension(ErrorCodes)
        .extension(OperationLog)
        .finish()
}

/// The schema in SDL, types and fields sorted as in the reference schema file.
pub fn sdl() -> String {
    let options = async_graphql::SDLExportOptions::new()
        .sorted_fields()
        .sorted_arguments()
        .sorted_enum_items();
    builder().finish().sdl_with_options(options)
}

#[cfg(test)]
mod tests {
    /// `schema.graphql` at the repository root is the contract file: it must be exactly what
    /// the code produces. Regenerate with `cargo run -q -- print-schema > schema.graphql`.
    #[test]
    fn committed_schema_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema.graphql");
        let committed =
            std::fs::read_to_string(path).expect("schema.graphql at the repository root");
        assert!(
            committed == super::sdl(),
            "schema.graphql is out of date: run `cargo run -q -p alkemio-server -- print-schema > schema.graphql`"
        );
    }
}
