"""Build the skills taxonomy fixture (``fixtures/skills.json``) from O*NET, ESCO and a curated list.

Run from the repo root: ``python scripts/build_taxonomy.py [--data-dir ../shared/data]``.
The output is deterministic: the same inputs always give byte-identical JSON.

Sources, in priority order (an earlier one fixes the canonical spelling and wins alias clashes):
the curated list below; every example of O*NET 29.2's Technology Skills (8,768 names, vendor
prefixes dropped where the product stays recognisable, categories turned into the activity they
name); every ESCO skill of the cross-sector/transversal extract with the synonyms that could be
realigned to it (see ``realign_esco``).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUTPUT = REPO_ROOT / "fixtures" / "skills.json"
ONET_DIR = "onet_29_2_skills_occupations"
ONET_FILE = "Technology Skills.txt"
ESCO_DIR = "esco_skills_subset"
TITLE_FILES = (
    ("Alternate Titles.txt", "Alternate Title"),
    ("Sample of Reported Titles.txt", "Reported Job Title"),
)

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
# One normalisation for the builder and the matcher, and the matcher's list of common words.
from mlcore.skills import COMMON_WORD_SKILLS, normalize_skill_name  # noqa: E402


def word_set(block: str) -> frozenset[str]:
    """The whitespace-separated words of a text block (for long word lists)."""
    return frozenset(block.split())


KINDS = ("technical", "tool", "soft", "language", "certification", "domain")
SOURCES = ("onet", "esco", "project")

# Curated entries: "Canonical | alias; alias" under a [kind] header (a line starting with ";"
# continues the aliases of the line above). They are processed first, so they fix the canonical
# spelling of anything O*NET or ESCO also lists, and their aliases win every collision. Short
# upper-case aliases (ML, JS, TS) are meant to be matched case-sensitively, see
# fixtures/demo/README.md.
CURATED = """
[technical]
Python | Python 3; Python3
Java | Oracle Java; Core Java; Sun Microsystems Java
JavaScript | JS; ECMAScript; ES6
TypeScript | TS
Go | Golang
Rust | Rust programming language
Kotlin
Swift | Swift programming language
C | C programming; ANSI C; American National Standards Institute ANSI C
C++ | CPP
C# | C Sharp; Visual C#; Microsoft Visual C# .NET
.NET | Microsoft .NET; .NET Framework; Microsoft .NET Framework; .NET Core; dotnet
ASP.NET | Microsoft ASP.NET; ASP.NET Core; ASP.NET MVC; Microsoft ASP.NET Core MVC
PHP | Hypertext preprocessor PHP; Hypertext preprocessor
Ruby
Ruby on Rails | RoR
Scala
R | R programming; R language
SQL | Structured Query Language; Structure query language SQL
PL/SQL | Oracle PL/SQL
T-SQL | Transact-SQL; TSQL
NoSQL
HTML | HTML5; Hypertext Markup Language
CSS | CSS3; Cascading Style Sheets
Sass | SCSS
Bash | Bash scripting
Shell Scripting | shell script; shell scripts; UNIX Shell
PowerShell | Microsoft PowerShell
Perl
MATLAB | The MathWorks MATLAB; MathWorks MATLAB
Objective-C | Objective C
Dart
Elixir
Haskell
Lua
Groovy | Apache Groovy
COBOL | Common business oriented language COBOL
Fortran | FORTRAN 90; Formula translation/translator FORTRAN
VBA | Visual Basic for Applications; Excel VBA
Visual Basic | Microsoft Visual Basic; VB.NET; Microsoft Visual Basic.NET
Solidity
GraphQL
Protocol Buffers | protobuf
React | React.js; ReactJS
React Native
Angular | AngularJS; Google Angular; Angular.js
Vue.js | Vue; VueJS
Next.js | NextJS
Node.js | Node; NodeJS
Express.js | ExpressJS
Django
Django REST Framework | DRF
Flask
FastAPI
Spring Boot
Spring Framework | Spring MVC
Hibernate | Hibernate ORM
jQuery
Bootstrap
Tailwind CSS | Tailwind
Redux
Webpack
Laravel
Symfony
Svelte
Celery
pandas
NumPy
SciPy
scikit-learn | sklearn; scikit learn
TensorFlow
PyTorch
Keras
XGBoost
LightGBM
Hugging Face Transformers | Hugging Face
spaCy
NLTK
OpenCV
Spark | Apache Spark; PySpark
Hadoop | Apache Hadoop
Kafka | Apache Kafka
Airflow | Apache Airflow
Hive | Apache Hive
dbt | data build tool
Snowflake
Databricks
BigQuery | Google BigQuery
Redshift | Amazon Redshift
PostgreSQL | Postgres; psql
MySQL
SQLite
Oracle Database | Oracle DB; Oracle RDBMS
SQL Server | Microsoft SQL Server; MSSQL; MS SQL Server
MongoDB | Mongo
Redis
Elasticsearch | Elastic Search
ELK Stack | Elastic Stack
Cassandra | Apache Cassandra
DynamoDB | Amazon DynamoDB
Neo4j
FAISS
Docker | Dockerfile; Docker Compose
Kubernetes | k8s
Helm
Argo CD | ArgoCD
Flyway
Terraform | HashiCorp Terraform; IBM Terraform
CI/CD | continuous integration; continuous delivery; continuous deployment; CICD
Linux | GNU/Linux
Unix | UNIX systems
AWS | Amazon Web Services; Amazon Web Services AWS software
Amazon EC2 | EC2; Amazon Elastic Compute Cloud EC2
Amazon S3 | S3; Amazon Simple Storage Service S3
AWS Lambda | Lambda
AWS CloudFormation | CloudFormation; Amazon Web Services AWS CloudFormation
Azure | Microsoft Azure; Microsoft Azure software
GCP | Google Cloud Platform; Google Cloud; Google Cloud software
REST APIs | REST API; RESTful APIs; RESTful API; RESTful; RESTful web services
gRPC
Microservices | microservice architecture; Microservices Architecture
OAuth | OAuth2; OAuth 2.0
JSON | JavaScript Object Notation JSON; JavaScript Object Notation
XML | Extensible markup language XML; Extensible Markup Language
YAML
Agile | Agile methodologies; Agile development; Agile methodology
Scrum
Kanban
Test-Driven Development | TDD; test driven development
Unit Testing | unit tests
pytest
JUnit
Selenium | Selenium WebDriver
Cypress
Jest
Storybook
Testcontainers
Test Automation | automated testing; automation testing
Object-Oriented Programming | OOP; object oriented programming
Data Structures
Algorithms
System Design | systems design
Distributed Systems
Machine Learning | ML
Deep Learning
Natural Language Processing | NLP
Computer Vision
Large Language Models | LLMs; LLM
Generative AI | GenAI
Artificial Intelligence | AI
Retrieval-Augmented Generation | RAG
Data Analysis | data analytics
Data Visualization | data visualisation
Statistics | statistical analysis
A/B Testing | AB testing; split testing
ETL | ETL pipelines; extract, transform, load
Data Warehousing | data warehouse
Data Modeling | data modelling
Data Pipelines | data pipeline
Big Data
Feature Engineering
MLOps
MLflow
Time Series Analysis | time series forecasting
Recommender Systems | recommendation systems
Information Retrieval
Vector Search | vector databases; semantic search
Cybersecurity | cyber security; information security; InfoSec
Network Security
Penetration Testing | pen testing; pentesting
SIEM | security information and event management
Vulnerability Management | vulnerability assessment
Identity and Access Management | IAM
TCP/IP
DNS | domain name system
DHCP
VPN | virtual private network
Active Directory | Microsoft Active Directory
Networking | computer networking; network administration
System Administration | systems administration; sysadmin
Virtualization | virtualisation
Backup and Recovery | disaster recovery
Site Reliability Engineering | SRE
DevOps
Cloud Computing
Serverless
Infrastructure as Code | IaC
Web Development
Frontend Development | front-end development; front end development
Backend Development | back-end development; back end development
Full-Stack Development | full stack development; full-stack
Mobile Development | mobile app development
Responsive Design | responsive web design
Web Accessibility | WCAG; a11y
SEO | search engine optimization; search engine optimisation
SEM | search engine marketing
PPC | pay-per-click
CAD | computer-aided design; computer aided design
CAM | computer-aided manufacturing
Finite Element Analysis | FEA; finite element method; FEM
Computational Fluid Dynamics | CFD
GD&T | geometric dimensioning and tolerancing
PLC Programming | PLC; programmable logic controllers; ladder logic
SCADA | supervisory control and data acquisition
PCB Design | PCB layout; printed circuit board design
Embedded Systems | embedded software; firmware development
Circuit Design
3D Modeling | 3D modelling
3D Printing | additive manufacturing
CNC Programming | G-code; CNC machining
BIM | building information modeling; building information modelling
GIS | geographic information systems; geographic information system
IT Support | technical support; help desk; helpdesk; desktop support
Troubleshooting | troubleshoot

[tool]
Excel | Microsoft Excel; MS Excel
Word | Microsoft Word; MS Word
PowerPoint | Microsoft PowerPoint; MS PowerPoint; Power Point
Outlook | Microsoft Outlook; MS Outlook
Microsoft Access | MS Access; Access
Microsoft Office | MS Office; Microsoft Office Suite; Microsoft Office software
Microsoft 365 | Office 365; O365
Microsoft Teams | MS Teams; Teams
Microsoft Project | MS Project
Microsoft Publisher | MS Publisher; Publisher
SharePoint | Microsoft SharePoint
Visio | Microsoft Visio
Windows | Microsoft Windows
Windows Server | Microsoft Windows Server
macOS | Apple macOS; Mac OS X; OS X
iOS | Apple iOS
Android | Google Android
Google Workspace | G Suite; Google Workspace software
Google Sheets
Google Docs
Slack
Zoom
Jira | Atlassian JIRA; Atlassian Jira
Confluence | Atlassian Confluence
Trello
Asana
ServiceNow
Zendesk
Freshdesk
Git | Git version control
GitHub
GitLab
GitHub Actions
GitLab CI | GitLab CI/CD
Bitbucket | Atlassian Bitbucket
Jenkins | Jenkins CI
CircleCI
Subversion | SVN; Apache Subversion SVN
Ansible | Ansible software; Red Hat Ansible Engine
Puppet
Chef
Prometheus
Grafana
Datadog
Splunk | Splunk Enterprise
Nginx
Postman
JMeter | Apache JMeter
Jupyter | Jupyter Notebook; JupyterLab
Tableau
Power BI | Microsoft Power BI; PowerBI
Looker
Alteryx | Alteryx software
SAS
SPSS | IBM SPSS Statistics; IBM SPSS
Stata | StataCorp Stata
Minitab
Google Analytics
Google Ads | Google AdWords; AdWords
Google Tag Manager
HubSpot | HubSpot software; HubSpot CRM
Marketo | Marketo Marketing Automation
Mailchimp
Hootsuite
Sprout Social
Salesforce | Salesforce CRM; Salesforce.com; SFDC; Salesforce software
Microsoft Dynamics 365 | Dynamics 365; Microsoft Dynamics CRM
Zoho CRM
LinkedIn Sales Navigator | Sales Navigator
ZoomInfo
Gong
SAP | SAP ERP; SAP software; SAP S/4HANA; S/4HANA
SAP FICO | SAP FI/CO
NetSuite | Oracle NetSuite; NetSuite ERP
Oracle E-Business Suite | Oracle EBS
Workday | Workday software; Workday HCM
QuickBooks | Intuit QuickBooks; QuickBooks Online; QBO
Xero
Sage 50 | Sage 50 Accounting; Peachtree
FreshBooks
SAP Concur | Concur
Bill.com
Hyperion | Oracle Hyperion
Anaplan
Bloomberg Terminal | Bloomberg Professional; Bloomberg
Capital IQ | S&P Capital IQ
ADP | ADP Workforce Now; ADP Payroll
Paychex
BambooHR
Greenhouse ATS | Greenhouse.io
iCIMS | iCIMS Talent Cloud software
Taleo | Oracle Taleo
SuccessFactors | SAP SuccessFactors
UKG | UKG Pro; UltiPro; Ultimate Software UltiPro Workplace
Kronos | UKG Kronos; Kronos Workforce Timekeeper
LinkedIn Recruiter
Epic | Epic Systems; Epic EHR; EpicCare
Cerner | Cerner Millennium; Oracle Health
MEDITECH | MEDITECH software
eClinicalWorks | eClinicalWorks EHR software
athenahealth | athenaOne
Dentrix | Henry Schein Dentrix
Pyxis | Pyxis MedStation; Pyxis MedStation software
Westlaw | Thomson Reuters Westlaw
LexisNexis | Lexis
Clio
Relativity | RelativityOne
AutoCAD | Autodesk AutoCAD
AutoCAD Civil 3D | Civil 3D; Autodesk AutoCAD Civil 3D
Revit | Autodesk Revit
SketchUp | Trimble SketchUp; SketchUp Pro; Trimble SketchUp Pro
Enscape
SolidWorks | Dassault Systemes SolidWorks; SOLIDWORKS
CATIA | Dassault Systemes CATIA
Creo | PTC Creo; PTC Creo Parametric; Pro/ENGINEER
Siemens NX | Unigraphics; Siemens NX CAD
Autodesk Inventor
ANSYS | ANSYS simulation software; Ansys Mechanical
Simulink | MathWorks Simulink
LabVIEW | National Instruments LabVIEW
Altium Designer | Altium
Studio 5000 | RSLogix 5000; Allen-Bradley Studio 5000
Procore | Procore software
Primavera P6 | Oracle Primavera P6; Primavera; Oracle Primavera
Bluebeam | Bluebeam Revu
PlanGrid
On-Screen Takeoff | On Center On-Screen Takeoff
Figma
Sketch
Adobe XD
InVision
Adobe Creative Cloud | Adobe Creative Suite; Creative Cloud; Adobe Creative Cloud software
Photoshop | Adobe Photoshop
Illustrator | Adobe Illustrator
InDesign | Adobe InDesign
After Effects | Adobe After Effects
Premiere Pro | Adobe Premiere Pro; Adobe Premiere
Lightroom | Adobe Lightroom
Adobe Acrobat | Acrobat; Adobe Acrobat Pro
Canva
Blender
3ds Max | 3D Studio Max; 3D Max; Autodesk 3ds Max
Cinema 4D | Maxon Cinema 4D; C4D
Final Cut Pro | Apple Final Cut Pro
DaVinci Resolve
CapCut
Pro Tools | Avid Pro Tools; Avid Technology Pro Tools
WordPress
Gerber AccuMark | Gerber
Optitex
CLO 3D
Google Classroom
Canvas LMS | Instructure Canvas
Blackboard | Blackboard Learn; Blackboard software
Moodle
Schoology
Kahoot! | Kahoot
Nearpod
SMART Board | Smartboard; interactive whiteboard
Toast POS
Square POS
Mindbody
Avaya
Genesys
Five9
CDK Global | CDK Drive
Mitchell 1
ALLDATA
Encompass | Ellie Mae Encompass
Cision
Meltwater

[domain]
Accounting | accounting principles
Bookkeeping
Accounts Payable | accounts payable processing
Accounts Receivable | accounts receivable management
General Ledger | GL accounting; general ledger accounting
Financial Statements | financial statement preparation
Financial Reporting
Month-End Close | month end close; month-end closing; month-end
Account Reconciliation | bank reconciliation; bank reconciliations; reconciliations
Payroll | payroll processing; payroll administration
GAAP | US GAAP; generally accepted accounting principles
IFRS | international financial reporting standards
Tax Preparation | tax returns; tax return preparation
Tax Accounting
Auditing | audits
Internal Audit | internal auditing
Cost Accounting
Budgeting | budget management; budget planning
Forecasting | financial forecasting
Variance Analysis
Accruals
Fixed Assets | fixed asset accounting
Revenue Recognition | ASC 606
Sarbanes-Oxley | SOX; SOX compliance
Intercompany Accounting
Sales Tax
Invoice Processing | invoicing
Expense Reporting | expense reports
Cash Flow Management | cash management; cash flow forecasting
Financial Analysis
Financial Modeling | financial modelling
FP&A | financial planning and analysis
Valuation | DCF; discounted cash flow
Investment Analysis
Portfolio Management
Risk Management
Credit Analysis | credit risk analysis
Credit Risk
Market Risk
Equity Research
Corporate Finance
Mergers and Acquisitions | M&A
Due Diligence
Capital Markets
Fixed Income
Derivatives
Treasury Management | treasury operations
Financial Planning
Wealth Management
Asset Management
KPI Reporting | KPI; KPIs; key performance indicators
Anti-Money Laundering | AML
KYC | know your customer
Regulatory Reporting
Stress Testing
CECL | current expected credit loss
Loan Processing | loan origination
Mortgage Lending | mortgage origination
Underwriting | loan underwriting; credit underwriting
Consumer Lending
Commercial Lending | commercial loans
Retail Banking
Branch Operations | branch management
Cash Handling | cash drawer balancing
Wire Transfers
Loan Servicing
Collections | debt collection
Fraud Prevention | fraud detection
Litigation | civil litigation
Legal Research
Legal Writing
Contract Drafting | drafting contracts
Contract Review | contract analysis
Contract Law
Civil Procedure
E-Discovery | eDiscovery; electronic discovery
Depositions | deposition preparation
Pleadings
Motion Practice | motions practice
Trial Preparation
Corporate Law
Employment Law | labor law; labour law
Intellectual Property Law | IP law
Regulatory Compliance | compliance management
Mediation
Crop Management | crop production
Irrigation | irrigation systems; drip irrigation
Soil Science | soil testing; soil management
Agronomy
Integrated Pest Management | IPM; pest management
Pesticide Application
Harvesting
Livestock Management | animal husbandry
Farm Management
Precision Agriculture | precision farming
Greenhouse Management | greenhouse operations
Tractor Operation | farm equipment operation
Horticulture
Sustainable Agriculture
Good Agricultural Practices
Merchandising
Visual Merchandising
Textile Design
Fashion Design
Pattern Making | patternmaking; pattern drafting
Garment Construction | garment production
Tech Packs | tech pack; technical packages
Fabric Sourcing | textile sourcing
Trend Forecasting | trend analysis
Merchandise Planning | assortment planning
Retail Buying | buying and merchandising
Sewing
Draping
Color Theory | colour theory
Illustration
Drawing
Painting
Sculpture
Art Direction
Curation | exhibition curation; curating
Art History
Printmaking
Music Production
Creative Writing
Grant Writing
Event Planning | event management; event coordination
Automotive Diagnostics | vehicle diagnostics; auto diagnostics
OBD-II | OBD2; on-board diagnostics
Engine Repair
Brake Repair | brake systems
Transmission Repair
Automotive Electrical Systems | auto electrical
Wheel Alignment | alignments
Collision Repair | auto body repair
Fleet Maintenance
Diesel Engines | diesel mechanics
Electric Vehicles | EV; EVs; electric vehicle systems
Vehicle Inspection | vehicle inspections
Aircraft Maintenance | airframe maintenance
FAA Regulations | FAA regs; FARs; Federal Aviation Regulations
Avionics
Flight Operations
Flight Planning
Crew Resource Management
Aviation Safety | aviation safety management
Ground Operations | ramp operations
Air Traffic Control | ATC
Aircraft Inspection | aircraft inspections
Turbine Engines | jet engines; gas turbine engines
Sheet Metal Repair
Composite Repair
Customer Service | customer support; client service
Call Center | call centre; contact center; contact centre
Inbound Calls | inbound call handling
Outbound Calls | outbound calling
Cold Calling | cold-calling; cold calls
Chat Support | live chat support
Ticketing Systems | ticketing system
Escalation Management | escalations
First Call Resolution | FCR
CSAT | customer satisfaction score
Net Promoter Score | NPS
Workforce Management | WFM
Data Entry
Order Processing | order entry
Back Office Operations | back office
Business Development
Lead Generation | lead gen
Prospecting | sales prospecting
Market Research
Strategic Partnerships | partnership development
Account Management | key account management
Pipeline Management | sales pipeline
Proposal Writing | RFP responses; RFPs
Go-to-Market Strategy | GTM; go-to-market
Competitive Analysis | competitor analysis
Strategic Planning
Contract Negotiation
B2B Sales | B2B selling
Inside Sales
Outside Sales | field sales
Solution Selling | consultative selling
Enterprise Sales
Retail Sales
SaaS Sales
Territory Management
Sales Forecasting
Upselling | up-selling
Cross-Selling | cross selling
Customer Retention
Product Demonstrations | product demos
Sales Operations | sales ops
Customer Success
MEDDIC | MEDDPICC
SPIN Selling
Sales Enablement
Point of Sale | POS; POS systems
Loss Prevention
Culinary Arts | culinary
Food Preparation | food prep
Menu Development | menu planning; menu design
Food Safety | food safety standards; food hygiene
HACCP | hazard analysis and critical control points
Food Cost Control | food costing; food cost management
Kitchen Management
Knife Skills
Baking
Pastry Arts | pastry; patisserie
Line Cooking | line cook
Catering
Banquet Operations | banquets
Plating | food presentation
Butchery
Sous Vide
Recipe Development
Fine Dining
Allergen Management | food allergens
Mise en Place
OSHA | OSHA regulations; OSHA compliance; OSHA standards
Blueprint Reading | reading blueprints; blueprints; construction drawings
Construction Management
Construction Scheduling | project scheduling
Cost Estimating | estimating; construction estimating
Quantity Takeoff | takeoffs; material takeoffs
Site Supervision | site management
Subcontractor Management | subcontractor coordination
Building Codes | building regulations
Carpentry
Concrete Work | concrete pouring; concrete finishing
Framing
Electrical Wiring
Plumbing
HVAC | heating, ventilation and air conditioning
Heavy Equipment Operation | heavy equipment
Safety Inspections | site safety inspections
Quality Control | QC
RFIs | requests for information; RFI
Submittals
Change Orders | change order management
Punch Lists | punch list
Surveying | land surveying
Welding
Management Consulting
Business Analysis
Process Improvement | business process improvement; continuous improvement
Change Management
Requirements Gathering | requirements analysis
Process Mapping
Lean Six Sigma | Six Sigma
Workshop Facilitation | facilitation
Benchmarking
SWOT Analysis | SWOT
Root Cause Analysis | RCA
FMEA | failure mode and effects analysis; DFMEA; PFMEA
Design for Manufacturing | DFM; DFMA
Lean Manufacturing | lean production
Statistical Process Control | SPC
ISO 9001 | ISO 9001:2015
ISO 13485
CAPA | corrective and preventive action; corrective and preventive actions
PPAP | production part approval process
Structural Analysis
Stormwater Management | stormwater design
Geotechnical Engineering
Process Engineering
Manufacturing Engineering
Thermodynamics
Heat Transfer
Tolerance Analysis | tolerance stack-up
Machining
Power Systems
Control Systems
Robotics
Instrumentation
Reliability Engineering
Verification and Validation | V&V
Technical Drawing | engineering drawings; technical drafting
UX Design | user experience design; UX; user experience
UI Design | user interface design
User Research | UX research
Wireframing | wireframes
Prototyping | rapid prototyping
Interaction Design | IxD
Visual Design
Graphic Design
Typography
Brand Identity | branding; brand design
Design Systems | design system
Usability Testing | user testing
Information Architecture
Interior Design
Space Planning
Packaging Design
Print Design | print production
Web Design
Design Thinking
Storyboarding | storyboards
Product Design
Motion Graphics
Social Media Marketing | SMM; social media management; social media strategy
Content Creation | content production
Content Strategy
Content Marketing
Copywriting
Video Editing
Video Production
Podcast Production | podcasting
Email Marketing | email campaigns
Digital Marketing | online marketing
Paid Social | paid social advertising
Meta Ads | Facebook Ads; Facebook Ads Manager
Influencer Marketing
Community Management
Marketing Analytics
Journalism
Photography
Storytelling
Brand Management
Personal Training | personal trainer
Strength and Conditioning | strength training
Exercise Programming | exercise prescription; program design
Group Fitness | group fitness instruction; group exercise
Nutrition | nutrition coaching; sports nutrition
Weight Management | weight loss coaching
Fitness Assessment | fitness assessments; body composition analysis
Yoga
Pilates
HIIT | high-intensity interval training
CrossFit
Functional Training
Kinesiology
Injury Prevention
Patient Care | direct patient care
Patient Assessment | patient assessments; head-to-toe assessments
Vital Signs | taking vital signs
Medication Administration | med administration; medication management
Phlebotomy | venipuncture; blood draws
IV Therapy | IV insertion; intravenous therapy; IV starts
Wound Care
Infection Control | infection prevention
Triage
Care Planning | care plans; nursing care plans
Patient Education
Clinical Documentation | charting
EHR | EMR; electronic health records; electronic medical records
; electronic health record; electronic medical record
Medical Coding
ICD-10 | ICD-10-CM; ICD10
CPT Coding | CPT codes
HCPCS | Healthcare common procedure coding system HCPCS
Medical Billing
HIPAA | HIPAA compliance
Medical Terminology
Telemetry | cardiac monitoring
Critical Care | ICU; intensive care
Medical-Surgical Nursing | med-surg; med surg
Pediatrics | paediatrics
Geriatrics
Labor and Delivery | L&D
Oncology
Mental Health
Case Management
Discharge Planning
Clinical Research | clinical trials
Pharmacology
Medical Assisting | clinical assisting
EKG | ECG; electrocardiogram; electrocardiography
Specimen Collection
Sterile Technique | aseptic technique
Insurance Verification
Prior Authorization | prior authorizations
Revenue Cycle Management | RCM
Claims Processing | insurance claims
Recruiting | recruitment; talent acquisition; full-cycle recruiting; full cycle recruiting
Candidate Sourcing | talent sourcing
Onboarding | employee onboarding; new hire onboarding
Employee Relations
Performance Management | performance reviews
Compensation Planning | compensation management
Benefits Administration | benefits enrollment; open enrollment
HRIS | human resource information system; human resources information system
; Human resource information system (HRIS)
Applicant Tracking Systems | ATS; applicant tracking system
FMLA | Family and Medical Leave Act
EEO | equal employment opportunity
Workforce Planning
Succession Planning
Training and Development | learning and development; employee training
Employee Engagement
People Analytics | HR analytics
Interviewing | behavioral interviewing; structured interviews
Talent Management
Diversity and Inclusion | DEI; diversity, equity and inclusion
I-9 Verification | I-9; E-Verify
Background Checks | background screening
Boolean Search | Boolean sourcing
Employer Branding
HR Policies | HR policy development
Media Relations | press relations; media outreach
Press Releases | press release writing; news releases
Public Relations
Crisis Communications | crisis communication
Corporate Communications
Internal Communications
Speechwriting | speech writing
Reputation Management
Media Monitoring
Media Pitching | pitching stories
Investor Relations
AP Style | Associated Press style
Copy Editing | copyediting; proofreading
Lesson Planning | lesson plans
Classroom Management
Curriculum Development | curriculum design
Differentiated Instruction | differentiation
Student Assessment | formative assessment; summative assessment
Common Core | Common Core State Standards
Special Education | SPED
IEP | individualized education program; individualized education programs
; individualized education plans
ESL | English as a second language; ELL; EFL
Learning Management Systems | LMS; learning management system
Educational Technology | EdTech
Instructional Design
Parent Communication | parent-teacher communication
Behavior Management | behaviour management
STEM Education | STEM
Literacy Instruction | reading instruction; guided reading
Project-Based Learning | PBL
Tutoring | tutor
Online Teaching | remote instruction; distance learning; online instruction
Early Childhood Education | ECE
Adult Education
Project Management | project planning
Inventory Management | inventory control; stock management
Vendor Management | supplier management
Procurement | purchasing
Supply Chain Management | SCM; supply chain
Logistics
Quality Assurance | QA
Operations Management
Risk Assessment | risk assessments
Health and Safety | workplace safety; occupational health and safety
Stakeholder Management | stakeholder engagement
CRM | customer relationship management
ERP | enterprise resource planning; Enterprise resource planning ERP software

[soft]
Communication | communication skills; verbal communication; communicator
Written Communication | written communication skills; business writing
Teamwork | team player; collaboration; working in teams; team oriented; team work
Leadership | team leadership
Problem Solving | problem-solving; problem solver
Critical Thinking | critical thinker
Time Management
Attention to Detail | detail-oriented; attention to details
Adaptability | flexibility; adaptable
Creativity | creative thinking
Empathy
Active Listening | active listener; good listener; attentive listener; listening skills
Conflict Resolution | conflict management
Decision Making | decision-making; decision maker
Negotiation | negotiating; negotiation skills; negotiator
Public Speaking
Presentation Skills | presentations
Emotional Intelligence
Mentoring | mentorship; mentor
Coaching
Multitasking | multi-tasking; multitask; multi-task; multitasker; multi-tasker
Organizational Skills | organisational skills; organization skills
Interpersonal Skills | people skills
Relationship Building | relationship management; building relationships; build relationships
Work Ethic | strong work ethic
Self-Motivation | self-motivated; self-starter
Prioritization | prioritisation; prioritizing
Analytical Skills | analytical thinking
Strategic Thinking | strategic thinker
Cross-Functional Collaboration | cross-functional teams
Team Management | people management; managing teams
Delegation
Stress Management | working under pressure
Cultural Awareness | intercultural competence; cross-cultural communication
Professionalism
Patience
Customer Focus | customer-focused; customer orientation
Business Acumen
Innovation
Brainstorming
Numeracy

[certification]
CPA | Certified Public Accountant
Certified Management Accountant
CFA | Chartered Financial Analyst
FRM | Financial Risk Manager
CFP | Certified Financial Planner
Certified Internal Auditor
CISA | Certified Information Systems Auditor
ACCA | Association of Chartered Certified Accountants
Series 7
Series 63
Series 66
NMLS License | NMLS; mortgage loan originator license
PMP | Project Management Professional
CAPM | Certified Associate in Project Management
Certified ScrumMaster | CSM; ScrumMaster
AWS Certified Solutions Architect | AWS Solutions Architect
AWS Certified Developer
AWS Certified Cloud Practitioner
Azure Fundamentals | AZ-900
Azure Administrator Associate | AZ-104
CKA | Certified Kubernetes Administrator
CompTIA A+ | CompTIA A Plus
CompTIA Network+
CompTIA Security+ | Security+
CISSP
CISM
Certified Ethical Hacker | CEH
CCNA | Cisco Certified Network Associate
ITIL | ITIL Foundation; ITIL v4
Six Sigma Green Belt | Lean Six Sigma Green Belt
Six Sigma Black Belt | Lean Six Sigma Black Belt
Professional Engineer | PE license; licensed PE
Engineer in Training | EIT
LEED AP | LEED Accredited Professional
LEED Green Associate
OSHA 30 | OSHA 30-Hour
OSHA 10 | OSHA 10-Hour
CDL | Commercial Driver's License; commercial driver license
Notary Public
Bar Admission | admitted to the bar
SHRM-CP | SHRM Certified Professional
SHRM-SCP | SHRM Senior Certified Professional
PHR | Professional in Human Resources
SPHR | Senior Professional in Human Resources
CPR | cardiopulmonary resuscitation; CPR certified
BLS | Basic Life Support
ACLS | Advanced Cardiovascular Life Support
PALS | Pediatric Advanced Life Support
RN License | Registered Nurse license; RN licensure; Registered Nurse; RN
LPN License | Licensed Practical Nurse; LPN
CNA | Certified Nursing Assistant
Certified Medical Assistant | CCMA; Certified Clinical Medical Assistant
CPC | Certified Professional Coder
RHIT | Registered Health Information Technician
NASM-CPT | NASM Certified Personal Trainer; NASM
ACE Certified Personal Trainer | ACE CPT
ACSM Certified Exercise Physiologist | ACSM-EP; ACSM
ServSafe | ServSafe Food Protection Manager; ServSafe certified
Food Handler Certificate | food handler card; food handlers permit
A&P Certificate | Airframe and Powerplant; A&P mechanic; A&P license
ASE Certification | ASE certified; ASE Master Technician
Private Pilot License | PPL
Commercial Pilot License | CPL
Teaching License | teaching certificate; teaching credential; state teaching license
TESOL | TESOL certificate
TEFL | TEFL certificate
CELTA
CCRN | critical care registered nurse certification
NCIDQ
Certified Payroll Professional
ISTQB Certified Tester | ISTQB
Databricks Certified Data Engineer
SnowPro Core
Google Ads Certification | Google Ads certified
HubSpot Inbound Certification

[language]
English
Spanish | Castilian
French
German
Mandarin Chinese | Mandarin; Chinese
Cantonese
Japanese
Korean
Portuguese
Italian
Arabic
Hindi
Russian
Dutch
Polish
Turkish
Vietnamese
American Sign Language | ASL
"""

# O*NET examples dropped by hand: vague names, common words that are rarely the skill meant,
# consumer apps, and product names too obscure for resumes.
ONET_DROP = {
    "Act!",
    "Airdata",
    "Appletree",
    "Blink",
    "Canu",
    "DOC Cop",
    "Eko",
    "Forth",
    "Google",
    "HMS",
    "J",
    "Kitty Hawk",
    "Litchi",
    "Squeegee",
    "Tadpoles",
    "The General Store",
    "3M Post-it App",
    "FaceTime",
    "GroupMe",
    "iPro",
    "M-code",
    "Magellan Firmware",
    "Hand held spell checkers",
    "O*NET OnLine",
    "Microsoft operating system",
    "Mac HelpMate",
    "Microsoft Windows XP",
    "Netscape Navigator",
    "Microsoft Internet Explorer",
    "Mozilla Firefox",
    "Apple Safari",
    "Google Chrome",
    "SeaMonkey",
    "Software libraries",
    "Business software applications",
    "Operational databases",
    "Online databases",
    "Customer information databases",
    "Law enforcement information databases",
    "Google Cloud software",
    "Oracle Cloud software",
    "IBM Middleware",
    "IBM Power Systems software",
    "Microsoft Great Plains Personal Data Keeper",
    "Handheld computer device software",
    "Children's educational software",
    "Delphi Technology",
    "Sun Microsystems Java",
    "ABC Compiler",
    "Modula",
    "Oberon",
    "HEC-1",
    "Compris software",
    "Common Curriculum",
    "Sale processing software",
    "Instant messaging software",
    "Structure query language SQL",
    "Intrado SchoolMessenger",
    "National Crime Information Center (NCIC) database",
    "Integrated Automated Fingerprint Identification System IAFIS",
    "Interstate connection ICON",
    "The CAD Zone The Crime Zone",
    "Microsoft Office SharePoint Server MOSS",
    "Scheme",
    "Web server software",
    "Social media sites",
    "Social media software",
    "Adobe Director",
    "Ethereal",
    "Integrated development environment IDE software",
    "Management information systems MIS",
    "Practice management software PMS",
    "Transportation management system TMS software",
    "Operational Data Store ODS software",
    "Outage management system OMS",
    "Geomechanical design analysis GDA software",
    "Symantec Visual Cafe",
    "DesignWare 3D EyeWitness",
    "Aya Associates Comp-U-Floor",
    "Avidian Technologies Prophet",
    "HMIS Advantage",
    "DM2 Bills of Lading",
    "Delphi Discovery",
    "MedcomSoft Record",
    "GalacTek ECLIPSE",
    "ACD Systems Canvas",
    "SofTech CADRA",
    "Measure Square FloorEstimate Pro",
    "Craftsman CD Estimator",
    "CPR International GeneralCOST Estimator",
    "CPR Visual Estimator",
    "Construction Software Center EasyEst",
    "NCR Advanced Checkout Solution",
    "NCR NeighborhoodPOS",
    "PCC EHR",
    "PCC Pediatric Partner",
    "McKesson Practice Plus",
    "Forsk Atoll",
    "Cubic Synchro Studio",
    "Property management system PMS software",
    "Plexis Software Plexis POS",
    "National Integrated Ballistics Information Network NIBIN",
}

# O*NET examples whose automatic clean-up gives a poor name: example -> canonical name.
ONET_RENAME = {
    "ITT Visual Information Solutions ENVI": "ENVI",
    "RSI ENVI": "ENVI",
    "Aptech Systems GAUSS": "GAUSS",
    "Adobe Presenter": "Adobe Presenter",
    "Adobe Distiller": "Acrobat Distiller",
    "Adobe Audition": "Adobe Audition",
    "Adobe Flex": "Adobe Flex",
    "IBM Rational Rose XDE": "Rational Rose",
    "PCI Express PCIe": "PCIe",
    "Computer numerical control CNC software": "CNC Programming",
    "Computerized numerical control CNC software": "CNC Programming",
    "Computer numerical control CNC": "CNC Programming",
    "Delcam PowerMILL": "PowerMILL",
    "Vero Software Edgecam": "Edgecam",
    "Vero Software SURFCAM": "SURFCAM",
    "IMSI TurboCAD": "TurboCAD",
    "NavisWorks Jetstream": "Navisworks",
    "Springshare LibGuides": "LibGuides",
    "Infor ERP SyteLine": "SyteLine",
    "AbacusNext HotDocs": "HotDocs",
    "Amkai AmkaiCharts": "AmkaiCharts",
    "Exact Software Macola ES": "Macola",
    "Medscribbler Enterprise": "Medscribbler",
    "Muthen & Muthen Mplus": "Mplus",
    "Sabre Central Command": "Sabre",
    "Axxya Systems Nutritionist Pro": "Nutritionist Pro",
    "Insight Direct ServiceCEO": "ServiceCEO",
    "RockWare ArcMap": "ArcMap",
    "RockWare MODFLOW": "MODFLOW",
    "SmartDraw Legal": "SmartDraw",
    "ValuSoft MasterCook": "MasterCook",
    "Amazon Kinesis": "Amazon Kinesis",
    "Apple Keynote": "Keynote",
    "Apple iWork Keynote": "Keynote",
    "Apple iWork Pages": "Apple Pages",
    "Avid Technology Media Composer": "Avid Media Composer",
    "Cisco Webex": "Webex",
    "Corel WordPerfect Office Suite": "WordPerfect",
    "Epic Practice Management": "Epic",
    "Esri ArcGIS": "ArcGIS",
    "ESRI ArcGIS software": "ArcGIS",
    "ESRI software": "ArcGIS",
    "Google Meet": "Google Meet",
    "Google Drive": "Google Drive",
    "Google Sites": "Google Sites",
    "Google Slides": "Google Slides",
    "Google Earth Pro": "Google Earth",
    "Google Gmail": "Gmail",
    "IBM Notes": "Lotus Notes",
    "IBM Lotus Notes": "Lotus Notes",
    "IBM Domino": "Lotus Domino",
    "IBM Lotus 1-2-3": "Lotus 1-2-3",
    "IBM Cognos Impromptu": "Cognos",
    "IBM Cognos Business Intelligence": "Cognos",
    "IBM DB2": "Db2",
    "IBM WebSphere MQ": "IBM MQ",
    "IBM Rational ClearCase": "ClearCase",
    "IBM Rational ClearQuest": "ClearQuest",
    "IBM Maximo Asset Management": "Maximo",
    "WorkTech MAXIMO": "Maximo",
    "Intuit QuickBooks Point of Sale": "QuickBooks POS",
    "Intuit TurboTax": "TurboTax",
    "LogMeIn GoToMeeting": "GoToMeeting",
    "LogMeIn GoToWebinar": "GoToWebinar",
    "Microsoft Dynamics": "Microsoft Dynamics",
    "Microsoft Dynamics GP": "Dynamics GP",
    "Microsoft Dynamics AX": "Dynamics AX",
    "Microsoft Dynamics NAV": "Dynamics NAV",
    "Microsoft Dynamics SL": "Dynamics SL",
    "Microsoft Exchange": "Microsoft Exchange",
    "Microsoft OneNote": "OneNote",
    "Microsoft Publisher": "Microsoft Publisher",
    "Microsoft Paint": "Microsoft Paint",
    "Microsoft Team Foundation Server": "Team Foundation Server",
    "Microsoft Azure DevOps Services": "Azure DevOps",
    "Microsoft Visual Studio": "Visual Studio",
    "Microsoft Visual FoxPro": "Visual FoxPro",
    "Microsoft Visual SourceSafe": "Visual SourceSafe",
    "Microsoft FrontPage": "FrontPage",
    "Microsoft Business Contact Manager": "Business Contact Manager",
    "Microsoft Internet Information Services (IIS)": "IIS",
    "Microsoft ActiveX": "ActiveX",
    "Microsoft DirectX": "DirectX",
    "Oracle Java 2 Platform Enterprise Edition J2EE": "Java EE",
    "Oracle JavaServer Pages JSP": "JSP",
    "Oracle JDBC": "JDBC",
    "Oracle Business Intelligence Enterprise Edition": "Oracle BI",
    "Oracle Business Intelligence Suite": "Oracle BI",
    "Oracle E-Business Suite Financials": "Oracle E-Business Suite",
    "Oracle PeopleSoft Financials": "PeopleSoft Financials",
    "Oracle Primavera Enterprise Project Portfolio Management": "Primavera P6",
    "Oracle Primavera Systems": "Primavera P6",
    "Oracle SQL Developer": "Oracle SQL Developer",
    "Oracle SQL Loader": "SQL*Loader",
    "Oracle HRIS": "Oracle HCM",
    "Oracle Fusion Applications": "Oracle Fusion",
    "Oracle Database": "Oracle Database",
    "Oracle Siebel Server Sync": "Siebel",
    "SAP Business Objects": "SAP BusinessObjects",
    "SAP BusinessObjects Crystal Reports": "Crystal Reports",
    "SAP Crystal Reports": "Crystal Reports",
    "ReCrystallize Crystal Reports": "Crystal Reports",
    "SAP BusinessObjects Data Integrator": "BusinessObjects Data Integrator",
    "SAP NetWeaver BW": "SAP BW",
    "Salesforce.com Salesforce CRM": "Salesforce",
    "Salesforce Visualforce": "Visualforce",
    "Qlik Tech QlikView": "QlikView",
    "Sage 100 ERP": "Sage 100",
    "Sage MAS 90 ERP": "Sage 100",
    "Sage MAS 200 ERP": "Sage 100",
    "Sage ERP Accpac": "Sage 300",
    "Sage 300 Construction and Real Estate": "Sage 300 CRE",
    "Unity Technologies Unity": "Unity",
    "Unreal Technology Unreal Engine": "Unreal Engine",
    "Red Hat Enterprise Linux": "Red Hat Enterprise Linux",
    "Red Hat OpenShift": "OpenShift",
    "Red Hat WildFly": "WildFly",
    "Hewlett Packard LoadRunner": "LoadRunner",
    "Hewlett Packard HP-UX": "HP-UX",
    "Hewlett-Packard HP OpenVMS": "OpenVMS",
    "GE Healthcare Centricity EMR": "Centricity EMR",
    "GE Healthcare Centricity Practice Solution": "Centricity Practice Solution",
    "Greenway Medical Technologies PrimeSUITE": "Greenway PrimeSUITE",
    "NextGen Healthcare Information Systems EMR": "NextGen",
    "NextGen Healthcare NextGen Practice Management": "NextGen",
    "Epic Systems": "Epic",
    "EpicCare Ambulatory Electronic Medical Records (EMR) software": "Epic",
    "Epic EpicCare Inpatient Clinical System": "Epic",
    "Cerner PowerWorks Practice Management": "Cerner",
    "Allscripts Professional EHR": "Allscripts",
    "Allscripts PM": "Allscripts",
    "Allscripts Sunrise": "Allscripts",
    "Allscripts healthcare automation software": "Allscripts",
    "athenahealth athenaCollector": "athenahealth",
    "Automatic Data Processing AdvancedMD EHR": "AdvancedMD",
    "Kareo Practice Management": "Kareo",
    "PointClickCare healthcare software": "PointClickCare",
    "Patterson Dental Supply Patterson EagleSoft": "Eaglesoft",
    "Modernizing Medicine Practice Management": "ModMed",
    "Thomson Reuters Westlaw Edge": "Westlaw",
    "LexisNexis CaseMap": "CaseMap",
    "iParadigms Turnitin": "Turnitin",
    "SmugMug Flickr": "Flickr",
    "Leica Geosystems ERDAS IMAGINE": "ERDAS IMAGINE",
    "Trimble Terramodel": "Terramodel",
    "Bentley MicroStation": "MicroStation",
    "Bentley Systems InRoads Suite": "InRoads",
    "Bentley InRoads Suite": "InRoads",
    "Bentley GEOPAK Civil Engineering Suite": "GEOPAK",
    "Bentley GeoPak Bridge": "GEOPAK",
    "Bentley Systems ProjectWise": "ProjectWise",
    "Bentley STAAD": "STAAD.Pro",
    "McNeel Rhinoceros 3D": "Rhino 3D",
    "Dassault Systemes Abaqus": "Abaqus",
    "Ansys Fluent": "ANSYS Fluent",
    "ANSYS Multiphysics": "ANSYS",
    "MSC Software Nastran": "Nastran",
    "MAYA Nastran": "Nastran",
    "MSC Software Adams": "MSC Adams",
    "MSC Software Patran": "Patran",
    "Siemens Solid Edge": "Solid Edge",
    "UGS Solid Edge": "Solid Edge",
    "1CadCam Unigraphics": "Siemens NX",
    "CNC Mastercam": "Mastercam",
    "Mastercam computer-aided design and manufacturing software": "Mastercam",
    "Autodesk 3ds Max Design": "3ds Max",
    "Autodesk 3ds Max": "3ds Max",
    "Autodesk Maya": "Maya",
    "Autodesk AutoCAD Mechanical": "AutoCAD Mechanical",
    "Autodesk AutoCAD Map 3D": "AutoCAD Map 3D",
    "Autodesk Land Desktop": "Autodesk Land Desktop",
    "Autodesk Mudbox": "Mudbox",
    "Autodesk SketchBook Pro": "SketchBook",
    "Corel CorelDraw Graphics Suite": "CorelDRAW",
    "Corel Paint Shop Pro": "PaintShop Pro",
    "Corel Painter": "Corel Painter",
    "Corel QuattroPro": "Quattro Pro",
    "GNU Image Manipulation Program GIMP": "GIMP",
    "GNU Octave": "Octave",
    "Avid Technology Sibelius": "Sibelius",
    "Avid Technology iNEWS": "iNEWS",
    "Avid Technology audio visual editing software": "Avid Media Composer",
    "TechSmith Camtasia": "Camtasia",
    "Nuance Dragon NaturallySpeaking": "Dragon NaturallySpeaking",
    "Wolfram Research Mathematica": "Mathematica",
    "Maplesoft Maple": "Maple",
    "Mathsoft Mathcad": "Mathcad",
    "SAS JMP": "JMP",
    "Insightful S-PLUS": "S-PLUS",
    "S-Plus software": "S-PLUS",
    "Tibco S-PLUS": "S-PLUS",
    "TIBCO Spotfire": "Spotfire",
    "Systat Software SigmaPlot": "SigmaPlot",
    "Systat Software SigmaStat": "SigmaStat",
    "GraphPad Software GraphPad Prism": "GraphPad Prism",
    "Quantitative Micro Software EViews": "EViews",
    "Econometric Software LIMDEP": "LIMDEP",
    "Palisade @Risk": "@RISK",
    "Informatica Corporation PowerCenter": "Informatica PowerCenter",
    "Informatica software": "Informatica",
    "IBM InfoSphere DataStage": "DataStage",
    "Talend Big Data Integration": "Talend",
    "Talend Data Fabric": "Talend",
    "Pentaho Kettle": "Pentaho",
    "Quest Erwin Data Modeler": "erwin Data Modeler",
    "Embarcadero Delphi": "Delphi",
    "Embarcadero JBuilder": "JBuilder",
    "BMC Software Control-M": "Control-M",
    "Hyland OnBase Enterprise Content Management": "OnBase",
    "Hyland Software OnBase": "OnBase",
    "EMC Documentum": "Documentum",
    "EMC NetWorker": "NetWorker",
    "Veritas NetBackup": "NetBackup",
    "VMWare ESX Server": "VMware ESXi",
    "Perforce Helix software": "Perforce",
    "Perforce software": "Perforce",
    "Ceridian Dayforce enterprise HCM": "Dayforce",
    "ADP Enterprise HR": "ADP",
    "Kronos Workforce Payroll": "Kronos",
    "Lawson Human Resource Management": "Lawson",
    "Sage HRMS": "Sage HRMS",
    "HEAT Software GoldMine": "GoldMine",
    "Maximizer Software Maximizer Enterprise": "Maximizer CRM",
    "NetSuite NetCRM": "NetSuite",
    "Oracle Eloqua": "Eloqua",
    "Blackbaud The Raiser's Edge": "Raiser's Edge",
    "Blackbaud eTapestry": "eTapestry",
    "Deltek Costpoint": "Costpoint",
    "Yardi Systems Yardi Enterprise": "Yardi",
    "Yardi software": "Yardi",
    "Xactware Xactimate": "Xactimate",
    "HCSS HeavyBid": "HeavyBid",
    "HCSS HeavyJob": "HeavyJob",
    "On Center Quick Bid": "Quick Bid",
    "WinEstimator WinEst": "WinEst",
    "Construction Management Software ProEst": "ProEst",
    "Turtle Creek Software Goldenseal": "Goldenseal",
    "Trimble Pathfinder Office": "Pathfinder Office",
    "Trimble Geomatics Office": "Trimble Geomatics Office",
    "Carlson SurvCADD": "Carlson Survey",
    "Culinary Software Services ChefTec": "ChefTec",
    "MICROS Systems HSI Profits Series": "MICROS",
    "Fannie Mae Desktop Underwriter": "Desktop Underwriter",
    "Experian Credinomics": "Credinomics",
    "Moody's KMV CreditEdge": "CreditEdge",
    "Henry Schein Dentrix": "Dentrix",
    "Kodak Dental Systems Kodak SOFTDENT Practice management software PMS": "SoftDent",
    "eMDs Medisoft": "Medisoft",
    "e-MDs software": "eMDs",
    "Sunquest Information Systems Sunquest Laboratory": "Sunquest",
    "Orchard Software Orchard Harvest LIS": "Orchard Harvest",
    "Sparta Systems TrackWise": "TrackWise",
    "Articulate Rapid E-Learning Studio": "Articulate",
    "Articulate Storyline": "Articulate Storyline",
    "SumTotal Systems ToolBook": "ToolBook",
    "Adobe Captivate": "Adobe Captivate",
    "Desire2Learn LMS software": "D2L Brightspace",
    "Sakai CLE": "Sakai",
    "Instructure Canvas": "Canvas LMS",
    "Rockwell RSLogix": "RSLogix",
    "Rockwell Automation Arena": "Arena Simulation",
    "AVEVA InTouch HMI": "InTouch HMI",
    "Wonderware software": "Wonderware",
    "Mentor Graphics PADS": "PADS",
    "Cadence PSpice": "PSpice",
    "National Instruments Multisim": "Multisim",
    "Siemens ModelSim": "ModelSim",
    "OrCAD Capture": "OrCAD",
    "Vector CANalyzer": "CANalyzer",
    "Vector Canape": "CANape",
    "Vector 35 Binary Ninja": "Binary Ninja",
    "Hex-Rays IDA Pro": "IDA Pro",
    "Portswigger BurP Suite": "Burp Suite",
    "Guidance Software EnCase Enterprise": "EnCase",
    "AccessData FTK": "FTK",
    "IBM QRadar SIEM": "QRadar",
    "Tenable Nessus": "Nessus",
    "Rapid7 software": "Rapid7",
    "Qualys Cloud Platform": "Qualys",
    "NortonLifeLock cybersecurity software": "Norton",
    "Norton AntiVirus": "Norton",
    "McAfee": "McAfee",
    "ArcSight Enterprise Threat and Risk Management": "ArcSight",
    "MITRE ATT&CK software": "MITRE ATT&CK",
    "Splunk Enterprise": "Splunk",
    "Cisco Systems CiscoWorks": "CiscoWorks",
    "Dartware InterMapper": "InterMapper",
    "Citrix cloud computing software": "Citrix",
    "Ping Identity": "Ping Identity",
    "Moz search engine optimization SEO software": "Moz",
    "Ahrefs Site Explorer": "Ahrefs",
    "Screaming Frog SEO Spider": "Screaming Frog",
    "Semrush": "Semrush",
    "Bing Ads": "Microsoft Advertising",
    "Adobe Experience Manager (AEM)": "Adobe Experience Manager",
    "Adobe Analytics": "Adobe Analytics",
    "OpenAI ChatGPT": "ChatGPT",
    "Eclipse IDE": "Eclipse",
    "Eclipse Jersey": "Jersey",
    "Apache HTTP Server": "Apache HTTP Server",
    "Apache Tomcat": "Tomcat",
    "Apache Maven": "Maven",
    "Apache Ant": "Ant",
    "Apache Struts": "Struts",
    "Apache Solr": "Solr",
    "Apache Pig": "Pig",
    "Apache HBase": "HBase",
    "Apache Flume": "Flume",
    "Apache Sqoop": "Sqoop",
    "Apache Oozie": "Oozie",
    "Apache Avro": "Avro",
    "Oracle WebLogic Server": "WebLogic",
    "IBM WebSphere": "WebSphere",
    "Oracle Solaris": "Solaris",
    "IBM AIX": "AIX",
    "IBM Tivoli software": "Tivoli",
    "Atlassian Bamboo": "Bamboo",
    "Microsoft SQL Server Integration Services SSIS": "SSIS",
    "Microsoft SQL Server Reporting Services SSRS": "SSRS",
    "Microsoft Visual Basic for Applications VBA": "VBA",
    "Microsoft Visual Basic Scripting Edition VBScript": "VBScript",
    "Microsoft Active Server Pages ASP": "Classic ASP",
    "Teradata Database": "Teradata",
    "Apache Cassandra": "Cassandra",
    "Oracle Hyperion": "Hyperion",
    "Oracle JD Edwards EnterpriseOne": "JD Edwards",
    "Oracle PeopleSoft": "PeopleSoft",
    "Oracle Taleo": "Taleo",
    "Oracle Fusion Middleware": "Oracle Fusion Middleware",
    "Oracle Application Server": "Oracle Application Server",
    "Oracle Reports": "Oracle Reports",
    "Oracle Business Intelligence Discoverer": "Oracle Discoverer",
    "Dassault Systemes CATIA": "CATIA",
    "Dassault Systemes SolidWorks": "SolidWorks",
    "PTC Creo Parametric": "Creo",
    "PTC Pro/Pipe": "Creo",
    "Siemens NX": "Siemens NX",
    "Autodesk Inventor": "Autodesk Inventor",
    "National Instruments LabVIEW": "LabVIEW",
    "StataCorp Stata": "Stata",
    "IBM SPSS Statistics": "SPSS",
    "Epic": "Epic",
    "Quark enterprise publishing software": "QuarkXPress",
    "Adobe FreeHand MX": "Adobe FreeHand",
    "Adobe Acrobat Reader": "Adobe Acrobat",
    "Learning management system LMS": "Learning Management Systems",
    "Geographic information system GIS software": "GIS",
    "Geographic information system GIS systems": "GIS",
    "Customer relationship management CRM software": "CRM",
    "Enterprise resource planning ERP software": "ERP",
    "Enterprise resource planning ERP system": "ERP",
    "ERP software": "ERP",
    "Electronic medical record EMR software": "EHR",
    "Electronic health record EHR software": "EHR",
    "Electronic medical record EMR systems": "EHR",
    "Patient electronic medical record EMR software": "EHR",
    "Human resource management software HRMS": "HRMS",
    "Human resources management system HRMS": "HRMS",
    "Computer aided design CAD software": "CAD",
    "Computer aided manufacturing CAM software": "CAM",
    "Computer aided design and drafting CADD software": "CADD",
    "Computer aided design and drafting software CADD": "CADD",
    "Computerized maintenance management system CMMS": "CMMS",
    "Computerized maintenance management system software CMMS": "CMMS",
    "Point of sale POS software": "Point of Sale",
    "Warehouse management system WMS": "Warehouse Management Systems",
    "Laboratory information management system LIMS": "LIMS",
    "Laboratory information system LIS": "Laboratory Information System",
    "Finite element method FEM software": "Finite Element Analysis",
    "Finite element analysis FEA software": "Finite Element Analysis",
    "Finite element analysis software": "Finite Element Analysis",
    "Computational fluid dynamics CFD software": "Computational Fluid Dynamics",
    "Programmable logic controller PLC software": "PLC Programming",
    "Supervisory control and data acquisition SCADA software": "SCADA",
    "Distributed control system DCS": "DCS",
    "Human machine interface HMI software": "HMI",
    "Statistical process control SPC software": "Statistical Process Control",
    "Failure mode and effects analysis FMEA software": "FMEA",
    "Unified modeling language UML": "UML",
    "Virtual private networking VPN software": "VPN",
    "Voice over internet protocol VoIP system software": "VoIP",
    "Single sign-on SSO": "Single Sign-On",
    "Security assertion markup language SAML": "SAML",
    "Storage area network SAN software": "SAN",
    "Border Gateway Protocol BGP": "BGP",
    "Domain name system DNS": "DNS",
    "Microservices Architecture": "Microservices",
    "RESTful API": "REST APIs",
    "LAMP Stack": "LAMP Stack",
    "Ladder Logic": "PLC Programming",
    "G-code": "CNC Programming",
    "Medical procedure coding software": "Medical Coding",
    "Medical condition coding software": "Medical Coding",
    "Diagnostic and procedural coding software": "Medical Coding",
    "Healthcare common procedure coding system HCPCS": "HCPCS",
    "Payroll software": "Payroll",
    "Tax software": "Tax Preparation",
    "Cost estimating software": "Cost Estimating",
    "Estimating software": "Cost Estimating",
    "Video editing software": "Video Editing",
    "Applicant tracking software": "Applicant Tracking Systems",
    "Human resource information system (HRIS)": "HRIS",
    "Web content management system CMS software": "Content Management Systems",
    "Content management systems CMS": "Content Management Systems",
    "Student information systems SIS software": "Student Information Systems",
    "Individualized Educational Program IEP software": "IEP",
    "Electronic data interchange EDI software": "EDI",
    "Optical character recognition OCR software": "OCR",
    "Radio frequency identification RFID software": "RFID",
    "Global positioning system GPS software": "GPS",
    "Simulation program with integrated circuit emphasis SPICE": "SPICE",
    "Very high-speed integrated circuit VHSIC hardware description language VHDL": "VHDL",
    "Hardware description language HDL": "HDL",
    "Field programmable gate array FPGA design software": "FPGA Design",
    "Electronic design automation EDA software": "EDA",
    "Real time operating system RTOS software": "RTOS",
    "Advanced business application programming ABAP": "ABAP",
    "Job control language JCL": "JCL",
    "Customer information control system CICS": "CICS",
    "Restructured extended executor REXX": "REXX",
    "List processing language LISP": "Lisp",
    "Beginner's all-purpose symbolic instruction code BASIC": "BASIC",
    "A programming language APL": "APL",
    "Programming language one PL/I": "PL/I",
    "Tool command language Tcl": "Tcl",
    "Extensible stylesheet language transformations XSLT": "XSLT",
    "Extensible stylesheet language XSL": "XSL",
    "Extensible hypertext markup language XHTML": "XHTML",
    "Dynamic hypertext markup language DHTML": "DHTML",
    "Interface definition language IDL": "IDL",
    "Data definition language DDL": "DDL",
    "Data manipulation language DML": "DML",
    "Common gateway interface CGI": "CGI",
    "Document Object Model DOM Scripting": "DOM",
    "Open Graphics Library OpenGL": "OpenGL",
    "Low-level virtual machine LLVM compilers": "LLVM",
    "Simple network management protocol SNMP software": "SNMP",
    "File transfer protocol FTP software": "FTP",
    "Platform as a service PaaS": "PaaS",
    "Software as a service SaaS": "SaaS",
    "Intrusion detection system IDS": "Intrusion Detection",
    "Network intrusion detection software": "Intrusion Detection",
    "Intrusion prevention system IPS": "Intrusion Prevention",
    "Network intrusion prevention systems NIPS": "Intrusion Prevention",
    "Firewall software": "Firewalls",
    "Local area network LAN software": "LAN",
    "Wide area network WAN software": "WAN",
    "Mechanical electrical plumbing MEP design software": "MEP Design",
    "Basic Local Alignment Search Tool BLAST": "BLAST",
    "Digital Imaging Communications in Medicine DICOM medical imaging software": "DICOM",
    "Geographic resources analysis support system GRASS": "GRASS GIS",
    "Jupyter Notebook": "Jupyter",
    "Rust programming language": "Rust",
    "Objective C": "Objective-C",
    "Node.js": "Node.js",
    "Shell script": "Shell Scripting",
    "UNIX Shell": "Shell Scripting",
    "KornShell": "KornShell",
    "Git": "Git",
    "NoSQL": "NoSQL",
    "Ruby on Rails": "Ruby on Rails",
    "AS/400 Database": "AS/400",
    "MUMPS M": "MUMPS",
    "Microsoft Windows Server": "Windows Server",
    "Microsoft Active Directory": "Active Directory",
    "Active directory software": "Active Directory",
    "Cisco IOS": "Cisco IOS",
    "Google Android": "Android",
    "Apple iOS": "iOS",
    "Apple macOS": "macOS",
    "Apple Final Cut Pro": "Final Cut Pro",
    "Apple iMovie": "iMovie",
    "Apple QuickTime": "QuickTime",
    "Apple Cocoa": "Cocoa",
    "Apple AppleWorks": "AppleWorks",
    "Google Classroom": "Google Classroom",
    "Google Docs": "Google Docs",
    "Google Sheets": "Google Sheets",
    "Google Analytics": "Google Analytics",
    "Google Ads": "Google Ads",
    "Google Tag Manager": "Google Tag Manager",
    "Google Workspace software": "Google Workspace",
}

# Vendor prefixes stripped when the rest of the name still identifies the product.
VENDORS = (
    "Amazon Web Services",
    "Adobe",
    "Amazon",
    "Apache",
    "Apple",
    "Atlassian",
    "Autodesk",
    "Avid Technology",
    "Dassault Systemes",
    "ESRI",
    "Esri",
    "Google",
    "IBM",
    "Intuit",
    "Microsoft",
    "Oracle",
    "Red Hat",
    "Trimble",
)
# A stripped name that is only one of these words is too vague to stand alone.
VAGUE_REMAINDERS = {
    "ads",
    "analytics",
    "classroom",
    "cloud",
    "database",
    "docs",
    "drive",
    "dynamics",
    "earth",
    "meet",
    "office",
    "project",
    "sheets",
    "sites",
    "slides",
    "workspace",
}
GENERIC_TAILS = ("software", "systems", "system", "suite")
# Last words of a vendor prefix ("Scientific Software Group", "Star Software").
CORPORATE_WORDS = word_set(
    """
    associates co company corp corporation enterprises group healthcare inc incorporated
    industries instruments international labs laboratories limited llc ltd partners research
    sciences software solutions systems technologies technology
    """
)
# Single words before a generic tail that are products ("Workday software"); any other
# capitalised word there is a category ("Reporting software").
PRODUCT_WORDS = {
    "Alteryx",
    "Ansible",
    "Bioconductor",
    "Blackboard",
    "Gaussian",
    "Informatica",
    "Perforce",
    "Procore",
    "Salesforce",
    "Wonderware",
    "Workday",
    "Yardi",
}

# Commodity classes whose examples are languages, frameworks, platforms or protocols
# rather than applications a user operates.
TECHNICAL_COMMODITIES = {
    "Object or component oriented development software",
    "Development environment software",
    "Web platform development software",
    "Data base management system software",
    "Object oriented data base management software",
    "Operating system software",
    "Application server software",
    "Configuration management software",
    "Enterprise application integration software",
    "Switch or router software",
    "Compiler and decompiler software",
}

# Applications filed under a technical commodity class (IDEs, SEO suites, game engines).
ONET_TOOLS = {
    "Ahrefs",
    "Bamboo",
    "Binary Ninja",
    "BusinessObjects Data Integrator",
    "ChatGPT",
    "ClearCase",
    "ClearQuest",
    "DataStage",
    "Eclipse",
    "IDA Pro",
    "JBuilder",
    "LibGuides",
    "Moz",
    "Rational Rose",
    "SAP BW",
    "Screaming Frog",
    "Talend",
    "Unity",
    "Unreal Engine",
    "Visual Studio",
}

# Lower-case words that are also product or skill names; a name or alias equal to one of them
# needs context (a skills section, a case-sensitive hit, a neighbouring skill) to count.
COMMON_WORDS = word_set(
    """
    access ada airflow ant bamboo basic blender bootstrap box celery chef collections compass dart
    drawing eclipse edge elixir networking san
    encompass epic excel express flask framing go gong harvest helm hive illustrator jersey jest
    keynote linkedin lisp loom maple maven maya notes office outlook painting pascal pig puppet
    quicken relativity ruby rust sage seesaw shell sketch slack snowflake spark spring swift teams
    unity windows word zoom
    """
)
# Product names from O*NET that read as plain words in resumes and postings but are missing from
# the vocabulary read from ESCO and O*NET (reviewed by hand from how often each is written in
# lower case in job texts): they need context, or keep their vendor prefix.
PLAIN_PRODUCT_WORDS = word_set(
    """
    analyzer apps articulate chat checkout com continuum easy etc fatigue fear flex foodservice
    foresight insight lockbox magic migrate mode paws penultimate persuasion phoenix pod portal
    puff quest radius rational reliance reward simulator strata surf transcend winner
    workstation
    """
)
# "linkedin" is in most resume headers as a profile link, "illustrator" is also a job title,
# "ada" also reads as the Americans with Disabilities Act: all three need context like the
# plain English words above.

ESCO_LANGUAGE_PATTERN = re.compile(
    r"^(?:write|understand written|understand spoken|interact verbally in) ([A-Z][a-z]+)$"
)

# ESCO concepts renamed to the noun form resumes use; the ESCO label stays as an alias.
ESCO_RENAME = {
    "work in teams": "Teamwork",
    "teamwork principles": "Teamwork",
    "think critically": "Critical Thinking",
    "solve problems": "Problem Solving",
    "lead others": "Leadership",
    "leadership principles": "Leadership",
    "manage time": "Time Management",
    "listen actively": "Active Listening",
    "show empathy": "Empathy",
    "adapt to change": "Adaptability",
    "think creatively": "Creativity",
    "attend to detail": "Attention to Detail",
    "conflict management": "Conflict Resolution",
    "communication": "Communication",
    "make decisions": "Decision Making",
    "cope with stress": "Stress Management",
    "mentor individuals": "Mentoring",
    "provide mentorship": "Mentoring",
    "coach employees": "Coaching",
    "establish daily priorities": "Prioritization",
    "give live presentation": "Public Speaking",
    "maintain customer service": "Customer Service",
    "customer relationship management": "CRM",
    "perform copywriting": "Copywriting",
    "apply social media marketing": "Social Media Marketing",
    "digital content creation": "Content Creation",
    "think innovately": "Innovation",
    "apply business acumen": "Business Acumen",
    "recruit employees": "Recruiting",
    "personnel management": "Team Management",
    "brainstorm ideas": "Brainstorming",
    "delegate responsibilities": "Delegation",
    "apply numeracy skills": "Numeracy",
    "work in an organised manner": "Organizational Skills",
    "handle customer complaints": "Complaint Handling",
    "negotiate price": "Price Negotiation",
    "show initiative": "Show Initiative",
    "meet commitments": "Meet Commitments",
    "assume responsibility": "Assume Responsibility",
    "show determination": "Show Determination",
    "think quickly": "Think Quickly",
    "manage frustration": "Manage Frustration",
    "exercise self-reflection": "Self-Reflection",
    "relate empathetically": "Empathy",
    "build trust": "Build Trust",
    "use online tools to collaborate": "Online Collaboration",
    "chair a meeting": "Chairing Meetings",
    "observe confidentiality": "Confidentiality",
    "identify market niches": "Market Niche Identification",
    "plan marketing campaigns": "Marketing Campaign Planning",
    "manage quality": "Quality Management",
    "supervise work": "Supervision",
    "organise training": "Training Delivery",
    "motivate others": "Motivating Others",
    "motivate employees": "Motivating Others",
    "give constructive feedback": "Constructive Feedback",
    "accept criticism and guidance": "Accepting Feedback",
    "react calmly in stressful situations": "Stress Management",
    "handle stressful situations": "Stress Management",
    "resolve conflicts": "Conflict Resolution",
    "apply conflict management": "Conflict Resolution",
    "identify problems": "Problem Solving",
    "communicate with customers": "Customer Communication",
    "communicate with stakeholders": "Stakeholder Communication",
    "identify customer requirements": "Customer Needs Analysis",
    "satisfy customers": "Customer Satisfaction",
    "build business relationships": "Relationship Building",
    "use presentation software": "Presentation Software",
    "prepare presentation material": "Presentation Skills",
    "manage budgets": "Budgeting",
    "perform market research": "Market Research",
    "apply health and safety standards": "Health and Safety",
    "mathematics": "Mathematics",
    "recruit personnel": "Recruiting",
    "hire new personnel": "Recruiting",
    "introduce new employees": "Onboarding",
    "tutor students": "Tutoring",
    "upsell products": "Upselling",
    "answer incoming calls": "Inbound Calls",
    "have computer literacy": "Computer Literacy",
    "technical drawings": "Technical Drawing",
    "programmable logic controller": "PLC Programming",
    "enhance website visibility": "SEO",
    "sterilization techniques": "Sterile Technique",
    "troubleshoot": "Troubleshooting",
}
ESCO_SOFT = set(ESCO_RENAME.values()) - {
    "CRM",
    "Copywriting",
    "Social Media Marketing",
    "Content Creation",
    "Recruiting",
    "Customer Service",
    "Complaint Handling",
    "Price Negotiation",
    "Market Niche Identification",
    "Marketing Campaign Planning",
    "Quality Management",
    "Presentation Software",
    "Budgeting",
    "Market Research",
    "Health and Safety",
    "Mathematics",
    "Customer Needs Analysis",
    "Training Delivery",
    "Onboarding",
    "Tutoring",
    "Upselling",
    "Inbound Calls",
    "Computer Literacy",
    "Technical Drawing",
    "PLC Programming",
    "SEO",
    "Sterile Technique",
}
# ESCO labels that are vague or misleading as a skill name in a resume matcher.
ESCO_DROP = {
    "plan",
    "database",
    "cameras",
    "dies",
    "energy",
    "electricity",
    "improvise",
    "morality",
    "politics",
    "migration",
    "medicines",
    "logic",
    "history",
    "literature",
    "consultation",
    "spelling",
    "grammar",
    "emergency cases",
    "manuals",
    "specifications",
    "patents",
    "blueprints",
    "firmware",
    "lasers",
    "radars",
    "dietary regimes",
    "act reliably",
    "office software",
    "CAD software",
    "CADD software",
    "CAE software",
    "Bihari",
    "Berber",
    "Limburgish",
    "Walloon",
    "Occitan",
    "Sardinian",
    "Montenegrin",
    "Romani",
    "alter management",
}
# First words of ESCO labels that describe a disposition rather than a task ("show initiative",
# "think quickly", "assume responsibility"); the reuse level of this extract does not tell.
ESCO_SOFT_VERBS = frozenset({"show", "think", "assume"})
# Synonyms that open with a light verb are everyday phrases in postings ("be responsible",
# "ask questions", "have patience"), not the skill named.
ESCO_LIGHT_VERBS = word_set("ask be do get go have keep make put")
ESCO_FILLER_HEADS = word_set(
    """
    a an basics brands categories characteristics concept content field first formats
    fundamentals knowledge methods principles process processes range science scope techniques
    the theory to type types typology understand varieties
    """
)
SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
}


@dataclass
class Entry:
    """A skill while it is being built; merged proposals append to it."""

    name: str
    kind: str
    sources: set[str]
    aliases: list[str] = field(default_factory=list)
    curated_kind: str | None = None
    origin: str = ""  # the source that proposed it first


@dataclass(frozen=True)
class BuildReport:
    """Counts and review notes from one build."""

    skills: list[dict]
    dropped_aliases: list[tuple[str, str, str]]
    merged: list[tuple[str, str]]


class Taxonomy:
    """Name and alias registry that keeps every surface form unique, case-insensitively."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.by_surface: dict[str, Entry] = {}
        self.dropped_aliases: list[tuple[str, str, str]] = []
        self.merged: list[tuple[str, str]] = []

    def get(self, surface: str) -> Entry | None:
        """The entry that has this name or alias (the matcher's normalisation), or None."""
        return self.by_surface.get(normalize_skill_name(surface))

    def propose(
        self, *, name: str, aliases: list[str], kind: str, source: str, curated: bool = False
    ) -> Entry:
        """Add a skill, or merge into the skill that already has this name or alias."""
        key = normalize_skill_name(name)
        entry = self.by_surface.get(key)
        if entry is None:
            entry = Entry(name=name, kind=kind, sources={source}, origin=source)
            self.entries.append(entry)
            self.by_surface[key] = entry
        else:
            if normalize_skill_name(entry.name) != key or source != "project":
                self.merged.append((name, entry.name))
            entry.sources.add(source)
            if normalize_skill_name(entry.name) != key:
                aliases = [name, *aliases]
        if curated:
            entry.curated_kind = kind
        for alias in aliases:
            self._add_alias(entry, alias)
        return entry

    def _add_alias(self, entry: Entry, alias: str) -> None:
        alias = " ".join(alias.split())
        key = normalize_skill_name(alias)
        if not alias or key == normalize_skill_name(entry.name):
            return
        owner = self.by_surface.get(key)
        if owner is entry:
            return
        if owner is not None:
            self.dropped_aliases.append((alias, entry.name, owner.name))
            return
        entry.aliases.append(alias)
        self.by_surface[key] = entry


def parse_curated(text: str) -> list[tuple[str, str, list[str]]]:
    """Return (kind, name, aliases) for every line of the curated block."""
    items = []
    kind = ""
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(";"):
            items[-1][2].extend(a.strip() for a in line[1:].split(";") if a.strip())
            continue
        if line.startswith("["):
            kind = line.strip("[]")
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r}")
            continue
        name, _, rest = line.partition("|")
        aliases = [a.strip() for a in rest.split(";") if a.strip()]
        items.append((kind, name.strip(), aliases))
    return items


# -- ordinary English words ---------------------------------------------------------------------
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'-]*")


def english_vocabulary(data_dir: Path) -> frozenset[str]:
    """Words written in lower case in ESCO's labels, O*NET's occupation descriptions and its
    commodity titles, the words of O*NET's job titles, and the hand-made lists of common words
    (:data:`COMMON_WORDS`, the matcher's ``COMMON_WORD_SKILLS``, :data:`PLAIN_PRODUCT_WORDS`):
    plain English as job descriptions use it.

    A product whose name is one of these words ("Access", "Project", "Presentation") reads as
    the word in running text, so it needs context, or keeps its vendor prefix.
    """
    words: set[str] = set(COMMON_WORDS | COMMON_WORD_SKILLS | PLAIN_PRODUCT_WORDS)
    with (data_dir / ESCO_DIR / "skill_labels_flat.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            words.update(w for w in _WORD_RE.findall(row["label"]) if w.islower())
    for file, column in (("Occupation Data.txt", "Description"), (ONET_FILE, "Commodity Title")):
        with (data_dir / ONET_DIR / file).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                words.update(w for w in _WORD_RE.findall(row[column]) if w.islower())
    # Job titles add the words of trades ("Helper", "Analyst", "Runner"): a word written
    # capitalised, never in capitals or with inner capitals, in three titles or more.
    titles: Counter[str] = Counter()
    odd: set[str] = set()
    for file, column in TITLE_FILES:
        with (data_dir / ONET_DIR / file).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                for w in set(_WORD_RE.findall(row[column])):
                    if w.istitle() and w.isalpha():
                        titles[w.lower()] += 1
                    elif not w.islower():
                        odd.add(w.lower())
    words.update(w for w, n in titles.items() if n >= 3 and w not in odd)
    return frozenset(words)


def is_plain_word(token: str, vocabulary: frozenset[str]) -> bool:
    """A token that reads as an ordinary word: in the vocabulary, singular or plural."""
    low = token.lower().strip("'")
    return (
        low in vocabulary
        or (low.endswith("s") and low[:-1] in vocabulary)
        or (low.endswith("es") and low[:-2] in vocabulary)
    )


def is_distinctive(words: list[str], vocabulary: frozenset[str]) -> bool:
    """True when a name still identifies a product without its vendor: it does not start with a
    number (a model: "100 Contractor"), is not an abbreviation of three letters or fewer, and has
    a word that is not plain English ("LightTools", "iWork", "ArcMap"); "Fixed Asset
    Depreciation", "Enterprise" and "Presentation" are not."""
    if not words or not words[0][:1].isalpha():
        return False
    if len(words) == 1 and len(words[0]) <= 3:
        return False
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return any(
        any(c.isupper() for c in w[1:])
        or any(c.isdigit() for c in w)
        or not is_plain_word(w, vocabulary)
        for w in content
    )


# -- O*NET ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OnetExample:
    """One distinct ``Example`` of Technology Skills.txt with its most frequent commodity."""

    name: str
    commodity: str
    hot: bool
    in_demand: bool
    occupations: int


def read_onet(data_dir: Path) -> list[OnetExample]:
    """Every example of O*NET's Technology Skills, flagged and most widespread first."""
    commodities: dict[str, Counter[str]] = defaultdict(Counter)
    occupations: dict[str, set[str]] = defaultdict(set)
    hot: set[str] = set()
    demand: set[str] = set()
    with (data_dir / ONET_DIR / ONET_FILE).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name = " ".join(row["Example"].split())
            commodities[name][row["Commodity Title"]] += 1
            occupations[name].add(row["O*NET-SOC Code"])
            if row["Hot Technology"] == "Y":
                hot.add(name)
            if row["In Demand"] == "Y":
                demand.add(name)
    examples = [
        OnetExample(
            name=name,
            # most frequent, ties by name: deterministic
            commodity=min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0],
            hot=name in hot,
            in_demand=name in demand,
            occupations=len(occupations[name]),
        )
        for name, counts in commodities.items()
    ]
    examples.sort(key=lambda e: (-e.hot - e.in_demand, -e.occupations, e.name))
    return examples


def learn_vendors(names: list[str], vocabulary: frozenset[str]) -> list[list[str]]:
    """Vendor prefixes, longest first: :data:`VENDORS`, and the first one to three words that
    start two or more examples with different capitalised rests, when they end in a corporate
    word ("Scientific Software Group") or are all names rather than English words ("Henry
    Schein", "Thomson Reuters"). "Microsoft Visual" (Basic, Studio) is a product line, not a
    vendor: "visual" is plain English."""
    rests: dict[tuple[str, ...], set[str]] = defaultdict(set)
    starts: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for name in names:
        words = name.split()
        for k in (1, 2, 3):
            if len(words) > k and words[k][:1].isupper():
                rests[tuple(words[:k])].add(" ".join(words[k:]))
                starts[tuple(words[:k])].add(name)
    learned = set()
    for prefix, seen in rests.items():
        if len(seen) < 2:
            continue
        corporate = len(prefix) >= 2 and prefix[-1].lower() in CORPORATE_WORDS
        names_only = all(
            w[:1].isupper() and not is_plain_word(w, vocabulary) and w.lower() not in SMALL_WORDS
            for w in prefix
        )
        if corporate or names_only:
            learned.add(prefix)
    # "Henry" only ever starts "Henry Schein ...": it is part of that vendor's name, not one
    learned = {
        v
        for v in learned
        if not any(len(w) > len(v) and w[: len(v)] == v and starts[w] == starts[v] for w in learned)
    }
    vendors = learned | {tuple(v.split()) for v in VENDORS}
    return [list(v) for v in sorted(vendors, key=lambda v: (-len(v), v))]


def vendor_cuts(words: list[str], vendors: list[list[str]]) -> list[int]:
    """Where a vendor prefix may end, longest first: after a known or learned vendor, or after
    a corporate word among the first four ("Kea Software impDAT", "Infinity CAD Systems
    AutoSculpt")."""
    cuts = {len(v) for v in vendors if words[: len(v)] == v and len(words) > len(v)}
    cuts.update(
        i + 1
        for i, w in enumerate(words[:4])
        if 0 < i < len(words) - 1 and w.lower() in CORPORATE_WORDS
    )
    return sorted(cuts, reverse=True)


def is_generic(words: list[str]) -> bool:
    """True for category names such as "Word processing software" (no product, no acronym):
    every word after the first is lower case and none has a capital or digit inside ("Apple
    iWork" is a product)."""
    if len(words) < 2:
        return False
    if any(re.fullmatch(r"[A-Z0-9][A-Z0-9&/.+-]+", w) for w in words):
        return False
    return all(
        (w[:1].islower() or not w[:1].isalpha()) and not any(c.isupper() for c in w[1:])
        for w in words[1:]
    )


def spells(acronym: str, words: list[str]) -> bool:
    """True when the acronym's letters follow the words' initials, one letter of slack (XML)."""
    initials = [w[0].lower() for w in words]
    pos, missed = 0, 0
    for letter in (c for c in acronym.lower() if c.isalpha()):
        try:
            pos = initials.index(letter, pos) + 1
        except ValueError:
            missed += 1
    return missed <= 1 and len(acronym) - missed >= 2


@dataclass(frozen=True)
class Cleaned:
    """An O*NET example made into a skill: canonical name and aliases; ``acronym`` is the
    preferred name when no other skill has it yet."""

    name: str
    aliases: tuple[str, ...]
    acronym: str | None = None


def clean_onet_name(
    example: str, vendors: list[list[str]], vocabulary: frozenset[str]
) -> Cleaned | None:
    """Turn an O*NET example into a skill, or None for one dropped by hand.

    - Hand-made renames first (:data:`ONET_RENAME`).
    - Category names ("Inventory tracking software") become the activity they name
      ("Inventory Tracking") when two words or more remain; otherwise the category keeps its
      full name, title-cased.
    - "Long form ACRONYM" gives the acronym, with the long form as an alias.
    - A vendor prefix is dropped when the rest still identifies the product (see
      :func:`is_distinctive`): "Henry Schein Dentrix" -> Dentrix, but "Neurobehavioral Systems
      Presentation" and "Microsoft Project" keep it.
    """
    if example in ONET_DROP:
        return None
    if example in ONET_RENAME:
        name = ONET_RENAME[example]
        return Cleaned(name, (example,) if example.casefold() != name.casefold() else ())
    words = example.replace("(", " ").replace(")", " ").split()
    core = list(words)
    had_tail = False
    while len(core) > 1 and core[-1].lower() in GENERIC_TAILS:
        core.pop()
        had_tail = True
    if is_generic(core) or is_generic(words):
        rest = core if len(core) >= 2 else words
        return Cleaned(title_case(" ".join(rest)), (example,))
    if (
        had_tail
        and len(core) == 1
        and core[0] not in PRODUCT_WORDS
        and core[0].istitle()
        and is_plain_word(core[0], vocabulary)
    ):
        # "Reporting software": a category after all
        return Cleaned(title_case(example), ())
    acronym = core[-1] if re.fullmatch(r"[A-Z][A-Z0-9]{2,5}", core[-1]) else None
    if acronym and len(core) >= 3 and spells(acronym, core[:-1]):
        long_form = " ".join(core[:-1])
        return Cleaned(long_form, (example,), acronym=acronym)
    for cut in vendor_cuts(core, vendors):
        rest = core[cut:]
        starts_product = rest[0][:1].isupper() or any(c.isupper() for c in rest[0][1:])
        if " ".join(rest).lower() in VAGUE_REMAINDERS or not starts_product:
            continue
        if is_distinctive(rest, vocabulary):
            return Cleaned(" ".join(rest), (example,))
    name = " ".join(core)
    return Cleaned(name, (example,) if name != example else ())


def onet_kind(name: str, commodity: str) -> str:
    if name in ONET_TOOLS:
        return "tool"
    return "technical" if commodity in TECHNICAL_COMMODITIES else "tool"


def title_case(label: str) -> str:
    words = label.split()
    out = []
    for i, word in enumerate(words):
        keep = word.isupper() or any(c.isupper() for c in word[1:])
        if keep or (i > 0 and word in SMALL_WORDS):
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


# -- ESCO ----------------------------------------------------------------------------------------
def stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 3} - {"and", "the"}


def _similarity(label: str, group: list[str]) -> float:
    """Best word-stem Jaccard between a label and any member of a synonym group."""
    target = stems(label)
    best = 0.0
    for member in group:
        other = stems(member)
        if target and other:
            best = max(best, len(target & other) / len(target | other))
    return best


def realign_esco(prefs: list[str], groups: list[list[str]]) -> dict[int, int]:
    """``{group index: preferred-label index}`` for the synonym groups whose concept is found.

    In this extract a row's altLabels mostly belong to another row (only 8 of 4,199 cells hold
    their own preferred label; ``skill_labels_flat.csv`` repeats the same pairing). A group is
    given to the preferred label it holds verbatim when it holds exactly one (a label claimed by
    two such groups goes to the closer one); a group that holds none goes to the unclaimed
    preferred label closest to it when each is the other's best match and they share at least
    half their word stems.
    """
    index = {p.casefold(): i for i, p in enumerate(prefs)}
    claims: dict[int, list[int]] = defaultdict(list)
    for gi, group in enumerate(groups):
        named = {index[a.casefold()] for a in group if a.casefold() in index}
        if len(named) == 1:
            claims[named.pop()].append(gi)
    owner: dict[int, int] = {}
    for pi, gis in claims.items():
        best = max(gis, key=lambda gi: (_similarity(prefs[pi], groups[gi]), -gi))
        owner[best] = pi
    free_groups = [
        gi
        for gi, group in enumerate(groups)
        if group and not any(a.casefold() in index for a in group)
    ]
    free_prefs = [pi for pi in range(len(prefs)) if pi not in claims]
    by_first_stem: dict[str, list[int]] = defaultdict(list)
    for gi in free_groups:
        for s in set().union(*(stems(a) for a in groups[gi])):
            by_first_stem[s].append(gi)
    best_group: dict[int, tuple[float, int]] = {}
    for pi in free_prefs:
        candidates = {gi for s in stems(prefs[pi]) for gi in by_first_stem.get(s, ())}
        scored = [(_similarity(prefs[pi], groups[gi]), -gi) for gi in candidates]
        if scored:
            score, neg_gi = max(scored)
            best_group[pi] = (score, -neg_gi)
    best_pref: dict[int, tuple[float, int]] = {}
    for pi, (score, gi) in best_group.items():
        if gi not in best_pref or (score, -pi) > (best_pref[gi][0], -best_pref[gi][1]):
            best_pref[gi] = (score, pi)
    for gi, (score, pi) in best_pref.items():
        if score >= 0.5 and best_group[pi][1] == gi:
            owner[gi] = pi
    return owner


def usable_esco_alias(alias: str, label: str) -> bool:
    """A synonym worth matching: two to six words that share a word stem with the label, with
    no brackets, digits or list punctuation, not a textbook phrasing ("knowledge of ...").

    Groups also hold hypernyms and examples ("coal" for fossil fuels, "hearing" for acoustics):
    single words are left out for that reason.
    """
    words = alias.split()
    return (
        2 <= len(words) <= 6
        and len(alias) <= 60
        and re.fullmatch(r"[A-Za-z][A-Za-z' -]*", alias) is not None
        and words[0].lower() not in ESCO_FILLER_HEADS | ESCO_LIGHT_VERBS
        and bool(stems(alias) & stems(label))
    )


@dataclass(frozen=True)
class EscoSkill:
    label: str
    reuse: str
    synonyms: tuple[str, ...]


def read_esco(data_dir: Path, vocabulary: frozenset[str]) -> list[EscoSkill]:
    """Every ESCO preferred label with the synonyms recovered for it (see :func:`realign_esco`).

    A synonym that two groups share is left out: it is ambiguous by construction.
    """
    with (data_dir / ESCO_DIR / "skills_en.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    prefs = [" ".join(r["preferredLabel"].split()) for r in rows]
    groups = [[" ".join(a.split()) for a in r["altLabels"].split("\n") if a.strip()] for r in rows]
    shared = Counter(a.casefold() for group in groups for a in set(group))
    synonyms: dict[int, list[str]] = defaultdict(list)
    for gi, pi in sorted(realign_esco(prefs, groups).items()):
        synonyms[pi] += [
            a
            for a in groups[gi]
            if shared[a.casefold()] == 1
            and a.casefold() != prefs[pi].casefold()
            and usable_esco_alias(a, prefs[pi])
        ]
    return [
        EscoSkill(label=p, reuse=r["reuseLevel"], synonyms=tuple(synonyms.get(i, ())))
        for i, (p, r) in enumerate(zip(prefs, rows, strict=True))
        if p
    ]


def esco_kind(name: str, label: str) -> str:
    if name in ESCO_SOFT or label.split()[0].lower() in ESCO_SOFT_VERBS:
        return "soft"
    return "domain"


# -- ambiguity ------------------------------------------------------------------------------------
def ambiguous_name(name: str, *, product: bool, vocabulary: frozenset[str]) -> bool:
    """A canonical name that reads as something else in prose, so it needs context.

    One or two letters ("R", "Go"), the hand-made :data:`COMMON_WORDS`, and a product (a name
    that O*NET brought in) made of one plain English word in any case ("Articulate",
    "Presentation", "FAST", "ProFile", "Helper"). Skills named by a word ("Leadership", "Welding") mean the
    skill when they appear and need no context.
    """
    if (name.isalpha() and len(name) <= 2) or name.casefold() in COMMON_WORDS:
        return True
    # "ProFile", "SOLiD", "WebSphere" too: the matcher then takes them only as spelled
    return product and name.isalpha() and is_plain_word(name, vocabulary)


# -- build ---------------------------------------------------------------------------------------
def build(data_dir: Path) -> BuildReport:
    """Build the taxonomy from the curated list, all of O*NET's technology skills and ESCO.

    Parameters
    ----------
    data_dir : Path
        Folder holding ``onet_29_2_skills_occupations`` and ``esco_skills_subset``.

    Returns
    -------
    BuildReport
        Skills sorted by name (fields of ``recruiting.skill``), plus merges and dropped aliases
        for review.
    """
    vocabulary = english_vocabulary(data_dir)
    tax = Taxonomy()
    for kind, name, aliases in parse_curated(CURATED):
        tax.propose(name=name, aliases=aliases, kind=kind, source="project", curated=True)

    examples = read_onet(data_dir)
    vendors = learn_vendors([e.name for e in examples], vocabulary)
    for example in examples:
        known = tax.get(example.name)
        if known is not None and example.name not in ONET_RENAME:
            # the curated list (or an earlier example) already names this product
            kind = onet_kind(known.name, example.commodity)
            tax.propose(name=known.name, aliases=[], kind=kind, source="onet")
            continue
        cleaned = clean_onet_name(example.name, vendors, vocabulary)
        if cleaned is None:
            continue
        name, aliases = cleaned.name, list(cleaned.aliases)
        if cleaned.acronym:
            owner = tax.get(cleaned.acronym)
            if owner is None or owner is tax.get(name):
                name, aliases = cleaned.acronym, [cleaned.name, *aliases]
        tax.propose(
            name=name, aliases=aliases, kind=onet_kind(name, example.commodity), source="onet"
        )

    skills = read_esco(data_dir, vocabulary)
    languages = sorted(
        {m.group(1) for s in skills if (m := ESCO_LANGUAGE_PATTERN.match(s.label))} - ESCO_DROP
    )
    for language in languages:
        tax.propose(name=language, aliases=[], kind="language", source="esco")
    for skill in skills:
        label = skill.label
        if (
            label in ESCO_DROP
            or label in languages
            or ESCO_LANGUAGE_PATTERN.match(label)
            or (len(label.split()) == 1 and label.lower() in COMMON_WORDS)
        ):
            continue
        name = ESCO_RENAME.get(label, title_case(label))
        aliases = [label]
        if tax.get(name) is None:
            # a recovered synonym group is trusted for a new skill only, never to widen
            # a curated or O*NET one
            aliases += list(skill.synonyms)
        tax.propose(name=name, aliases=aliases, kind=esco_kind(name, label), source="esco")

    out = []
    for entry in sorted(tax.entries, key=lambda e: (e.name.casefold(), e.name)):
        source = next(s for s in SOURCES if s in entry.sources)
        out.append(
            {
                "name": entry.name,
                "aliases": entry.aliases,
                "kind": entry.curated_kind or entry.kind,
                "source": source,
                "requires_context": ambiguous_name(
                    entry.name, product=entry.origin == "onet", vocabulary=vocabulary
                ),
            }
        )
    return BuildReport(skills=out, dropped_aliases=tax.dropped_aliases, merged=tax.merged)


def to_fixture(skills: list[dict]) -> list[dict]:
    return [
        {"model": "recruiting.skill", "pk": pk, "fields": skill}
        for pk, skill in enumerate(skills, start=1)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--verbose", action="store_true", help="list merges and dropped aliases")
    args = parser.parse_args(argv)

    for folder in (ONET_DIR, ESCO_DIR):
        if not (args.data_dir / folder).is_dir():
            print(f"missing {args.data_dir / folder}", file=sys.stderr)
            return 2
    report = build(args.data_dir)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".json.tmp")
    tmp.write_text(
        json.dumps(to_fixture(report.skills), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    tmp.replace(args.output)

    if args.verbose:
        for alias, wanted_by, owner in report.dropped_aliases:
            print(f"alias {alias!r} of {wanted_by!r} dropped: taken by {owner!r}")
        for proposed, into in report.merged:
            print(f"merged {proposed!r} into {into!r}")
    surfaces = sum(1 + len(s["aliases"]) for s in report.skills)
    print(f"{len(report.skills)} skills, {surfaces} names and aliases -> {args.output}")
    for label, counts in (
        ("kind", Counter(s["kind"] for s in report.skills)),
        ("source", Counter(s["source"] for s in report.skills)),
    ):
        print(f"by {label}: " + ", ".join(f"{k} {counts[k]}" for k in sorted(counts)))
    flagged = sum(s["requires_context"] for s in report.skills)
    print(f"requires_context: {flagged}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
