//! Opportunities: the deals a workspace hopes to win, each with an amount in a currency, an
//! expected close date, a company and people, in a stage of the workspace's pipeline (which it
//! renames and reorders); a list, a board where cards move by drag and drop or by keyboard, and a
//! page per opportunity with editing in place and an activity timeline.

pub mod api;
mod chart;
mod pages;

pub use chart::PipelineChart;
pub use pages::{
    NewOpportunityPage, OpportunitiesBoardPage, OpportunitiesListPage, OpportunityPage,
    RelatedOpportunitiesSection, StagesPage,
};
