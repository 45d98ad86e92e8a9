//! Words for `random_pet` names: adjectives, then an animal.

pub(super) const ADJECTIVES: &[&str] = &[
    "able", "amused", "bold", "brave", "bright", "calm", "clever", "cosmic", "crisp", "daring", "eager", "fair",
    "fancy", "gentle", "glad", "golden", "grand", "happy", "humble", "jolly", "keen", "kind", "lively", "lucky",
    "merry", "mighty", "modest", "neat", "nimble", "noble", "patient", "polite", "proud", "quick", "quiet", "rapid",
    "sharp", "shiny", "smart", "steady", "sunny", "swift", "tidy", "trusty", "vivid", "warm", "wise", "witty",
];

pub(super) const ANIMALS: &[&str] = &[
    "badger", "beaver", "bison", "camel", "cheetah", "condor", "coyote", "crane", "dolphin", "eagle", "falcon",
    "ferret", "finch", "fox", "gazelle", "gecko", "heron", "ibex", "jaguar", "koala", "lemur", "lynx", "marmot",
    "moose", "narwhal", "ocelot", "orca", "otter", "owl", "panda", "pelican", "puffin", "quail", "raven", "salmon",
    "seal", "sparrow", "stork", "tapir", "tiger", "toucan", "turtle", "walrus", "weasel", "whale", "wombat", "yak",
    "zebra",
];
