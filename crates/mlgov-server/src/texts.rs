//! The sources' texts the explorer quotes from: the ones bundled with mlgov (`data/texts`, whose
//! licence allows redistribution) and any read from a folder at start-up (`mlgov serve --texts
//! DIR`, or `MLGOV_TEXTS`), by the file name `sources.csv` gives each source.

use std::collections::BTreeMap;
use std::path::Path;

/// File name → text.
#[derive(Clone, Debug, Default)]
pub struct Texts(BTreeMap<String, String>);

impl Texts {
    /// The bundled texts, plus those of the folder named by `MLGOV_TEXTS` when it is set.
    pub fn from_env() -> Texts {
        let mut t = Texts(
            mlgov_analysis::quotes::BUNDLED_TEXTS
                .iter()
                .map(|(f, s)| (f.to_string(), s.to_string()))
                .collect(),
        );
        if let Some(dir) = std::env::var_os("MLGOV_TEXTS")
            && let Err(e) = t.add_dir(Path::new(&dir))
        {
            eprintln!("warning: MLGOV_TEXTS: {e}");
        }
        t
    }

    /// Adds every `.txt` file of `dir` (a file of the same name replaces a bundled one).
    ///
    /// # Errors
    /// When the folder cannot be read.
    pub fn add_dir(&mut self, dir: &Path) -> std::io::Result<usize> {
        let mut n = 0;
        for e in std::fs::read_dir(dir)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "txt")
                && let (Some(name), Ok(bytes)) =
                    (p.file_name().and_then(|f| f.to_str()), std::fs::read(&p))
            {
                self.0.insert(name.to_string(), String::from_utf8_lossy(&bytes).into_owned());
                n += 1;
            }
        }
        Ok(n)
    }

    /// The text of a file, when there is one.
    pub fn get(&self, file: &str) -> Option<&str> {
        self.0.get(file).map(String::as_str)
    }
}
