"""Suanli: Chinese compute-capacity news -> validated facts in a DuckDB warehouse.

`pip install .` installs the pipeline and its data files; `--setup_file ./setup.py` ships the
same to remote Beam workers (Dataflow, Flink).
"""
from setuptools import setup

setup(
    name="suanli",
    version="0.1.0",
    description="Apache Beam pipeline: Chinese compute-infrastructure news -> capacity facts",
    python_requires=">=3.10,<3.13",
    packages=["pipelines", "transforms", "transforms.resources", "expectations", "warehouse"],
    package_data={
        "transforms.resources": ["*.txt", "*.tsv"],
        "expectations": ["suites/*.json"],
        "warehouse": ["staging/*.sql", "marts/*.sql", "assets/gx/*.js", "assets/gx/*.css",
                      "assets/gx/*.md", "assets/gx/*.svg", "assets/gx/fontawesome/css/*.css",
                      "assets/gx/fontawesome/webfonts/*", "assets/gx/licenses/*"],
    },
    install_requires=[
        "apache-beam>=2.77,<2.78",
        "pyarrow>=18,<26",          # Beam 2.77 requires pyarrow < 26
        "duckdb>=1.1,<3",
        "great-expectations>=1.24,<1.25",
        "jieba>=0.42.1,<0.43",
        "rjieba>=0.2,<0.3",         # jieba-rs binding: same dictionary, ~20x faster
        "opencc>=1.1.9,<1.5",       # traditional -> simplified
        "charset-normalizer>=3.3,<4",  # legacy encodings (GB18030, Big5, UTF-16 without BOM)
        "cpca>=0.5.5,<0.6",         # its adcodes.csv is our gazetteer (read as data)
        "pandas>=2.2,<4",
    ],
    extras_require={
        "test": ["pytest>=8,<10", "hypothesis>=6.100,<7", "apache-beam[dask]>=2.77,<2.78"],
    },
    entry_points={"console_scripts": ["suanli=pipelines.cli:main"]},
)
